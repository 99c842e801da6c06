"""The first customer's agenda (RCM 2017, San Salvador) against its hand-checked structure."""

from __future__ import annotations

import json

import pytest

from services.agenda.importer import parse_agenda

from .helpers import FIXTURES, assert_nothing_lost, by_key, seed_text

EXPECTED = json.loads((FIXTURES / "rcm-2017-expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed() -> dict:
    return parse_agenda(seed_text())


@pytest.mark.parametrize("field", [f for f in EXPECTED["event"]])
def test_event_field_matches_the_header(seed: dict, field: str) -> None:
    assert seed["event"][field] == EXPECTED["event"][field], f"event.{field}"


def test_rooms_warnings_and_stats(seed: dict) -> None:
    assert seed["rooms"] == EXPECTED["rooms"]
    assert seed["warnings"] == EXPECTED["warnings"]
    assert seed["stats"] == EXPECTED["stats"]


def test_the_sessions_are_the_expected_ones_in_order(seed: dict) -> None:
    assert [s["key"] for s in seed["sessions"]] == [s["key"] for s in EXPECTED["sessions"]]


@pytest.mark.parametrize("expected", EXPECTED["sessions"], ids=lambda s: s["key"])
def test_each_session_field_by_field(seed: dict, expected: dict) -> None:
    actual = by_key(seed)[expected["key"]]
    for field, value in expected.items():
        assert actual[field] == value, f"{expected['key']}: {field}"
    assert set(actual) == set(expected), "the session has exactly the documented fields"


def test_nothing_is_lost(seed: dict) -> None:
    assert_nothing_lost(seed_text(), seed)


def test_word_artefacts_are_gone(seed: dict) -> None:
    for session in seed["sessions"]:
        assert "[bookmark:" not in session["title"]
        assert "\t" not in session["title"]
        assert session["title"] == session["title"].strip()
    start_of_work = by_key(seed)["2017-06-21-1415-start-of-work"]
    assert start_of_work["title"] == "Start of work"


def test_the_workshop_is_restricted_on_both_days_with_one_accreditation(seed: dict) -> None:
    workshops = [s for s in seed["sessions"] if s["kind"] == "workshop"]
    assert [w["day"] for w in workshops] == ["2017-06-19", "2017-06-20"]
    assert {w["access"] for w in workshops} == {"accredited"}
    assert len({w["accreditation"] for w in workshops}) == 1
    assert len({w["title"] for w in workshops}) == 1, "Tuesday's trailing comma is cleaned"
    assert not workshops[1]["title"].endswith(',"')


def test_tuesday_closing_venue_applies_to_the_whole_block(seed: dict) -> None:
    tuesday = [s for s in seed["sessions"] if s["day"] == "2017-06-20"]
    assert [s["room"] for s in tuesday] == ["Room Camilo Minero", "Room Camilo Minero"]


def test_wednesday_parallel_meetings(seed: dict) -> None:
    parallel = [s for s in seed["sessions"] if s["parallel_group"]]
    assert len(parallel) == 2
    assert len({s["parallel_group"] for s in parallel}) == 1
    assert [s["room"] for s in parallel] == ["Room Camilo Minero", "Room of Honor"]
    assert all(s["notes"] == ["See specific agendas for these meetings"] for s in parallel)
    assert all(s["meeting"] == "Liaison Officers Network" for s in parallel)


def test_the_uppercase_thursday_heading_is_the_same_meeting(seed: dict) -> None:
    meetings = {s["meeting"] for s in seed["sessions"] if s["start"]}
    assert meetings == {"Meeting of the Regional Consultation Group on Migration (RCGM)"}


def test_proposals_leads_belong_to_their_bullets(seed: dict) -> None:
    proposals = by_key(seed)["2017-06-22-1430-proposals-of-new-activities"]
    assert proposals["leads"] == [], "several lead lines split the list: none is the session's"
    leads = [(item["title"][:20], item["leads"]) for item in proposals["items"]]
    assert leads[:3] == [
        ("Training on migrant ", ["El Salvador"]),
        ("Essay contest on mig", ["El Salvador"]),
        ("Photography contest ", ["El Salvador"]),
    ]
    project = proposals["items"][-1]
    assert project["leads"] == ["El Salvador - IOM"]
    assert len(project["items"]) == 3


def test_a_single_closing_lead_is_the_sessions(seed: dict) -> None:
    campaigns = by_key(seed)["2017-06-22-1000-follow-up-of-the-campaigns"]
    assert campaigns["leads"] == ["All delegations"]
    assert all(item["leads"] == [] for item in campaigns["items"])


def test_part_of_day_is_none_exactly_when_times_are_given(seed: dict) -> None:
    for session in seed["sessions"]:
        assert (session["part_of_day"] is None) == (session["start"] is not None)
