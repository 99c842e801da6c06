"""Who may call what: every route of every service, for every kind of caller.

tests/test_permissions.py fails when a service has a route this table does not list, so a
new route is added here consciously, with its answer for each caller. Callers:

* ``anonymous``: no token;
* ``organiser``: organiser of this meeting; ``other_organiser``: of another meeting;
* ``gatekeeper``: a door device of this meeting;
* ``delegate``: the delegate the path names (or any delegate, for routes without one);
* ``other_delegate``: another delegate of the same meeting.

``ALLOW`` means the access rule lets the call through (the answer may still be a 4xx about
the input); a number is the status the refusal must have. 404 for another delegate's object
is deliberate: the same answer as for an id that does not exist, so ids leak nothing.
"""

from __future__ import annotations

ALLOW = "allow"
CALLERS = ("anonymous", "organiser", "other_organiser", "gatekeeper", "delegate",
           "other_delegate")

EVERYONE = dict.fromkeys(CALLERS, ALLOW)
ORGANISER = {"anonymous": 401, "organiser": ALLOW, "other_organiser": 403, "gatekeeper": 403,
             "delegate": 403, "other_delegate": 403}
OWNER_OR_ORGANISER = {**ORGANISER, "delegate": ALLOW, "other_delegate": 404}
ORGANISER_OR_DELEGATE = {**ORGANISER, "delegate": ALLOW, "other_delegate": ALLOW}
DOOR = {**ORGANISER, "gatekeeper": ALLOW}
# A delegate's own page: the personal token names the delegate, so there is no other one's.
DELEGATE = {**ORGANISER, "organiser": 403, "delegate": ALLOW, "other_delegate": ALLOW}

# Framework routes every service has: docs and probes are public.
_COMMON = {
    ("GET", "/static/<path:filename>"): EVERYONE,
    ("GET", "/openapi.json"): EVERYONE,
    ("GET", "/docs"): EVERYONE,
    ("GET", "/docs/ui/<path:filename>"): EVERYONE,
    ("GET", "/health"): EVERYONE,
    ("GET", "/ready"): EVERYONE,
}

E = "/api/v1/events/<event>"
P = "/events/<event>"  # web pages; organiser and door pages are shells whose script signs in
_PAGES = {("GET", "/assets/<path:filename>"): EVERYONE}

TABLE: dict[str, dict[tuple[str, str], dict[str, object]]] = {
    "agenda": {
        **_COMMON,
        ("GET", E): EVERYONE,
        ("PUT", E): ORGANISER,
        ("GET", f"{E}/rooms"): EVERYONE,
        ("POST", f"{E}/rooms"): ORGANISER,
        ("DELETE", f"{E}/rooms/<room_id>"): ORGANISER,
        ("GET", f"{E}/sessions"): ORGANISER,
        ("POST", f"{E}/sessions"): ORGANISER,
        ("GET", f"{E}/sessions/<session_id>"): ORGANISER,
        ("PATCH", f"{E}/sessions/<session_id>"): ORGANISER,
        ("DELETE", f"{E}/sessions/<session_id>"): ORGANISER,
        ("POST", f"{E}/publish"): ORGANISER,
        ("GET", f"{E}/versions"): EVERYONE,
        ("GET", f"{E}/versions/<int:number>"): EVERYONE,
        ("GET", f"{E}/agenda"): EVERYONE,
        ("GET", f"{E}/agenda.ics"): EVERYONE,
        ("GET", f"{E}/schedule.xml"): EVERYONE,
        ("GET", f"{E}/schedule.json"): EVERYONE,
        ("POST", f"{E}/import"): ORGANISER,
        **_PAGES,
        ("GET", "/"): EVERYONE,
        ("GET", P): EVERYONE,
        ("GET", f"{P}/organise"): EVERYONE,
    },
    "registration": {
        **_COMMON,
        ("POST", f"{E}/delegates"): EVERYONE,
        ("GET", f"{E}/delegates/<delegate_id>"): OWNER_OR_ORGANISER,
        ("GET", f"{E}/delegates/<delegate_id>/sessions"): OWNER_OR_ORGANISER,
        ("POST", f"{E}/delegates/<delegate_id>/sessions"): OWNER_OR_ORGANISER,
        ("DELETE", f"{E}/delegates/<delegate_id>/sessions/<session_id>"): OWNER_OR_ORGANISER,
        ("GET", f"{E}/delegates"): ORGANISER,
        ("POST", f"{E}/access-link"): EVERYONE,
        ("PATCH", f"{E}/delegates/<delegate_id>"): OWNER_OR_ORGANISER,
        ("GET", f"{E}/delegates/<delegate_id>/agenda"): OWNER_OR_ORGANISER,
        ("GET", f"{E}/delegates/<delegate_id>/agenda.ics"): OWNER_OR_ORGANISER,
        ("GET", f"{E}/registration-settings"): ORGANISER,
        ("PUT", f"{E}/registration-settings"): ORGANISER,
        ("POST", f"{E}/delegates/bulk"): ORGANISER,
        ("GET", f"{E}/delegates/<delegate_id>/accreditation"): ORGANISER,
        ("POST", f"{E}/delegates/<delegate_id>/accreditation"): ORGANISER,
        ("GET", f"{E}/delegations/<name>"): ORGANISER,
        ("PUT", f"{E}/delegations/<name>"): ORGANISER,
        # Both delegates are in the same delegation in the test: members see each other.
        ("GET", f"{E}/delegations/<name>/members"): ORGANISER_OR_DELEGATE,
        ("GET", f"{E}/delegates/<delegate_id>/badge"): OWNER_OR_ORGANISER,
        ("GET", f"{E}/delegates/<delegate_id>/badge.svg"): OWNER_OR_ORGANISER,
        ("GET", f"{E}/delegates/<delegate_id>/badge.png"): OWNER_OR_ORGANISER,
        ("POST", f"{E}/delegates/<delegate_id>/badge/reissue"): ORGANISER,
        ("GET", f"{E}/badges/print"): ORGANISER,
        ("GET", f"{E}/badge-keys"): DOOR,
        ("POST", f"{E}/badge-keys"): ORGANISER,
        ("DELETE", f"{E}/badge-keys/<kid>"): ORGANISER,
        ("GET", f"{E}/gate/devices"): ORGANISER,
        ("POST", f"{E}/gate/devices"): ORGANISER,
        ("DELETE", f"{E}/gate/devices/<device_id>"): ORGANISER,
        ("GET", f"{E}/gate/scans"): ORGANISER,
        ("POST", f"{E}/gate/scans"): DOOR,
        ("POST", f"{E}/gate/scans/batch"): DOOR,
        ("GET", f"{E}/gate/occupancy"): DOOR,
        ("GET", f"{E}/gate/occupancy/<room_id>"): ORGANISER,
        ("POST", f"{E}/gate/occupancy/<room_id>"): ORGANISER,
        ("GET", f"{E}/gate/offline-bundle"): DOOR,
        **_PAGES,
        ("GET", f"{P}/register"): EVERYONE,
        ("POST", f"{P}/register"): EVERYONE,
        ("GET", f"{P}/access"): EVERYONE,
        ("POST", f"{P}/access"): EVERYONE,
        ("GET", f"{P}/me"): DELEGATE,
        ("POST", f"{P}/me/signup"): DELEGATE,
        ("POST", f"{P}/me/leave"): DELEGATE,
        ("GET", f"{P}/door"): EVERYONE,
        ("GET", f"{P}/accreditation"): EVERYONE,
    },
    "notify": {
        **_COMMON,
        ("GET", f"{E}/notices"): ORGANISER,
        ("GET", f"{E}/notices/<notice_id>"): ORGANISER,
        ("POST", f"{E}/notices"): ORGANISER,
        ("POST", f"{E}/notices/preview"): ORGANISER,
        ("GET", f"{E}/notices/dead-letters"): ORGANISER,
        ("POST", f"{E}/notices/<notice_id>/retry"): ORGANISER,
        ("GET", f"{E}/delegates/<delegate_id>/notices"): OWNER_OR_ORGANISER,
        **_PAGES,
        ("GET", f"{P}/notices"): EVERYONE,
        ("GET", f"{P}/me/notices"): DELEGATE,
    },
}
