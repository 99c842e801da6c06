"""The interactive API docs (/docs) in a browser with no internet: Swagger UI comes from the
service itself and runs under the page's own content security policy."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_api_docs_work_offline_under_their_policy(site, browser):
    registration = site["registration"]
    context = browser.new_context(locale="en-GB")  # the page's CSP enforced, not bypassed
    context.set_default_timeout(15_000)
    outside = []

    def local_only(route):  # no internet: anything not from the service itself fails
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{registration.url}/docs")
        path = "/api/v1/events/{event}/delegates/{delegate_id}/sessions"
        page.wait_for_selector(f".opblock-summary-path[data-path='{path}']")
        assert page.locator(".info .title").first.inner_text().startswith("Podium registration")
        assert outside == [] and not [e for e in errors if "Content Security Policy" in e]
    finally:
        context.close()
