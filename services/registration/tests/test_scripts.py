"""Each registration script is sent with only the prelude helpers it calls (scripts.py): the
filter must never leave out one a script needs, which Valkey would only say at run time."""

from __future__ import annotations

import re

import pytest

from services.registration import scripts

NAMES = ["accredit", "cancel", "register", "signup", "sync_session", "update_delegate"]


def _defined(source: str) -> set[str]:
    return set(re.findall(r"^local function (\w+)", source, re.M))


@pytest.mark.parametrize("name", NAMES)
def test_every_script_loads_with_the_helpers_it_calls(r, name):
    source = scripts._source(name)
    assert r.script_load(source)  # compiles
    defined = _defined(source)
    for helper in _defined((scripts._DIR / "prelude.lua").read_text()) - defined:
        assert not re.search(rf"\b{helper}\b", source), f"{name} calls {helper} but lacks it"


def test_the_sign_up_carries_only_its_three_helpers():
    # The point of the filter: a sign-up no longer defines the nine helpers on every run.
    assert _defined(scripts._source("signup")) == {"emit_json", "mark_bundle", "covered"}


def _filtered(monkeypatch, tmp_path, prelude: str, body: str) -> str:
    (tmp_path / "prelude.lua").write_text(prelude)
    (tmp_path / "probe.lua").write_text(body)
    monkeypatch.setattr(scripts, "_DIR", tmp_path)
    return scripts._source.__wrapped__("probe")


def test_a_helper_called_after_a_dash_dash_inside_a_string_is_kept(monkeypatch, tmp_path, r):
    prelude = "local function wrap(s) return '[' .. s .. ']' end\n"
    source = _filtered(monkeypatch, tmp_path, prelude, "return '--' .. wrap('x')\n")
    assert r.eval(source, 0) == "--[x]"


def test_a_helper_used_only_by_another_helper_is_kept(monkeypatch, tmp_path, r):
    prelude = ("-- inner\nlocal function inner() return 2 end\n\n"
               "local function outer()\n  return inner() + 1\nend\n")
    source = _filtered(monkeypatch, tmp_path, prelude, "return outer()\n")
    assert r.eval(source, 0) == 3


def test_a_top_level_value_in_the_prelude_is_refused(monkeypatch, tmp_path):
    # It would travel with the helper above it and be left out with it.
    prelude = ("local function first() return 1 end\n"
               "local LIMIT = 5\n\n"
               "local function second()\n  return LIMIT\nend\n")
    with pytest.raises(ValueError, match="LIMIT"):
        _filtered(monkeypatch, tmp_path, prelude, "return second()\n")
