"""Browser tests: real headless Chromium (Debian's package) driven by Playwright's Python API.

Playwright's own browser download is never used (`playwright install` is not needed): the
tests launch the system Chromium through ``executable_path``. Without a Chromium every
browser test is skipped with one plain message, and the run's summary says so.

Each key page is checked the same way by :func:`check_page`: axe-core finds no serious or
critical accessibility violation, a screenshot is saved under ``artifacts/screenshots/``,
and at a phone's width (390x844) nothing overflows horizontally.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SKIP_MESSAGE = "browser tests skipped: no Chromium found; apt-get install chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def find_chromium() -> str | None:
    explicit = os.environ.get("PODIUM_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for path in CANDIDATES:
        if Path(path).exists():
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    counts: dict[str, int] = {}
    reasons: set[str] = set()
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if "browser" not in getattr(report, "keywords", {}) or report.when not in (
                    "call", "setup") or (outcome == "passed" and report.when != "call"):
                continue
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome == "skipped" and isinstance(report.longrepr, tuple):
                reasons.add(str(report.longrepr[2]).removeprefix("Skipped: "))
    if not counts:
        return
    ran = counts.get("passed", 0) + counts.get("failed", 0)
    line = f"browser tests: {ran} ran in Chromium ({find_chromium()})" if ran else \
        "browser tests: none ran"
    if counts.get("skipped"):
        line += f"; {counts['skipped']} skipped ({'; '.join(sorted(reasons))})"
    terminalreporter.write_sep("-", line)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip(SKIP_MESSAGE)
    return path


@pytest.fixture(scope="session")
def playwright(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def launch(playwright, chromium_path):
    """Start a Chromium with the standard flags plus ``extra`` (closed at the session's end)."""
    started = []

    def start(*extra: str):
        instance = playwright.chromium.launch(executable_path=chromium_path,
                                              args=[*FLAGS, *extra])
        started.append(instance)
        return instance

    yield start
    for instance in started:
        instance.close()


@pytest.fixture(scope="session")
def browser(launch):
    return launch()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh contexts (each its own storage), closed after the test."""
    contexts = []

    def make(**options):
        # axe is injected as an inline script; the pages' CSP would (rightly) refuse it.
        options.setdefault("locale", "en-GB")
        context = browser.new_context(bypass_csp=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def site(suite):
    """The live services, each told where the others are so the pages can link across."""
    urls = {name: server.url for name, server in suite.items()}
    for server in suite.values():
        for name, url in urls.items():
            server.app.config[f"PUBLIC_{name.upper()}_URL"] = url
    return suite


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")


def overflow(page) -> tuple[int, int]:
    return page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]")


def check_page(page, name: str, phone: bool = True) -> None:
    """Accessibility, a screenshot, and the same page at a phone's width without overflow."""
    page.wait_for_load_state("networkidle")
    bad = [v for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: accessibility violations {bad}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    if not phone:
        return
    # Resize the same page, so what its script rendered (or a signed-in state) is kept.
    before = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        scroll_width, inner_width = overflow(page)
        assert scroll_width <= inner_width, \
            f"{name}: {scroll_width}px wide on a {inner_width}px phone"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    finally:
        if before:
            page.set_viewport_size(before)
