"""Properties of publishing, over real HTTP, for drafts built from arbitrary input:

- whatever sessions and edits the API accepts (any mix of times, parts of day, missing ends,
  rooms, items, odd days), the draft publishes (201), its exports are served and valid
  against the C3VOC schemas, and the API never answers 5xx, refusing with problem+json;
- publishing the same draft again changes nothing: 200 with ``new: false``, the same version
  and the same version content, no new version;
- an imported document publishes, or is refused with 422 ``draft_incomplete`` naming exactly
  the sessions the import report warned about; never a 5xx.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from services.agenda.schemas import KINDS, STATUSES
from services.agenda.tests.helpers import API, assert_valid_schedules
from tests import flows

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
# Single-line fields get no line breaks: refusing them at input is another change's (they
# break iCalendar lines); multi-line notes get them.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
LINE = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=_BREAKS),
               min_size=1, max_size=24)
NOTE = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
TIME = st.one_of(st.none(), st.sampled_from(["00:00", "08:30", "09:00", "12:00", "13:00",
                                             "17:45", "23:59"]),
                 # \d: other scripts' digits too ("0௬:2႔" once answered 500 at publish)
                 st.from_regex(r"[0-2]\d:[0-5]\d", fullmatch=True), st.text(max_size=5))
# Without controls: what a person types (the API refuses controls; ANYTHING tries them).
CLEAN = st.text(st.characters(exclude_categories=("Cs", "Cc"), exclude_characters=_BREAKS),
                min_size=1, max_size=24)


def items(text):
    return st.recursive(
        st.fixed_dictionaries({"title": text}, optional={"leads": st.lists(text, max_size=2)}),
        lambda inner: st.fixed_dictionaries({"title": text,
                                             "items": st.lists(inner, max_size=2)}),
        max_leaves=6)


ITEM = items(LINE)
FIELDS = {
    "day": st.sampled_from(["2030-06-18", "2030-06-19", "2030-06-20", "2030-06-21",
                            "2030-06-22", "21 June"]),
    "start": TIME, "end": TIME,
    "part_of_day": st.sampled_from([None, "all_day", "morning", "afternoon", "evening"]),
    "title": LINE, "kind": st.sampled_from(KINDS),
    "room": st.sampled_from([None, "honor", "minero", "gone", "Room of Honor"]),
    "leads": st.lists(LINE, max_size=2), "notes": st.lists(NOTE, max_size=2),
    "items": st.lists(ITEM, max_size=3), "access": st.sampled_from(["open", "accredited"]),
    "status": st.sampled_from(STATUSES), "parallel_group": st.sampled_from([None, "g1"]),
    "capacity": st.one_of(st.none(), st.integers(0, 12)),
}
_OTHERS = {**{k: v for k, v in FIELDS.items()
              if k not in ("day", "title", "start", "end", "part_of_day")},
           "room": st.sampled_from([None, "honor", "minero"]),
           "leads": st.lists(CLEAN, max_size=2), "items": st.lists(items(CLEAN), max_size=3),
           "notes": st.lists(CLEAN, max_size=2)}
_GOOD_TIMES = st.lists(st.from_regex(r"([01][0-9]|2[0-3]):[0-5][0-9]", fullmatch=True),
                       min_size=2, max_size=2, unique=True).map(sorted)
# Most sessions well formed (timed, or by part of day), so most drafts have several; the
# rest anything at all, for the API to refuse or take.
WELL_FORMED = st.one_of(
    st.builds(lambda t, rest: {**rest, "start": t[0], "end": t[1]}, _GOOD_TIMES,
              st.fixed_dictionaries({}, optional=_OTHERS)),
    st.builds(lambda part, rest: {**rest, "part_of_day": part},
              st.sampled_from(["all_day", "morning", "afternoon"]),
              st.fixed_dictionaries({}, optional=_OTHERS)),
).flatmap(lambda rest: st.fixed_dictionaries({
    "day": st.sampled_from(["2030-06-19", "2030-06-20", "2030-06-21"]), "title": CLEAN}
    ).map(lambda head: {**head, **rest}))
ANYTHING = st.fixed_dictionaries({"day": FIELDS["day"], "title": LINE},
                                 optional={k: v for k, v in FIELDS.items()
                                           if k not in ("day", "title")})
SESSION = st.one_of(WELL_FORMED, WELL_FORMED, ANYTHING)
PATCH = st.fixed_dictionaries({}, optional=FIELDS)
MEETING = st.fixed_dictionaries({
    "timezone": st.sampled_from(["America/El_Salvador", "UTC", "Etc/GMT+6", "Asia/Kolkata"]),
    "morning": st.sampled_from(["09:00-13:00", "08:00-12:30", "00:00-11:59"]),
    "afternoon": st.sampled_from(["14:00-18:00", "13:30-17:00", "12:00-23:59"]),
})


def _refusal(resp, allowed: set[int]) -> None:
    assert resp.status_code < 500, resp.text
    assert resp.status_code in allowed, (resp.status_code, resp.text)
    if resp.status_code >= 400:
        assert resp.headers["Content-Type"] == "application/problem+json", resp.text
        assert resp.json()["reason"]


@SETTINGS
@given(meeting=MEETING, sessions=st.lists(SESSION, min_size=1, max_size=8),
       edits=st.lists(st.tuples(st.integers(0, 5), PATCH), max_size=4),
       drop_room=st.booleans())
def test_whatever_the_api_accepts_publishes_and_publishing_again_changes_nothing(
        agenda, make_token, meeting, sessions, edits, drop_room):
    eid = "p-" + uuid.uuid4().hex[:12]
    org = make_token(eid)
    base = f"{API}/{eid}"
    resp = agenda.put(base, org, json={"title": "Property meeting", "first_day": "2030-06-19",
                                       "last_day": "2030-06-21", **meeting})
    assert resp.status_code == 200, resp.text
    for room, name in (("honor", "Room of Honor"), ("minero", "Room Camilo Minero")):
        assert agenda.post(f"{base}/rooms", org, json={"id": room, "name": name}
                           ).status_code == 201
    created = []
    for body in sessions:
        resp = agenda.post(f"{base}/sessions", org, json=body)
        _refusal(resp, {201, 409, 422})
        if resp.status_code == 201:
            created.append(resp.json()["id"])
    for index, patch in edits:
        if created:
            resp = flows.edit_session(agenda, org, f"{base}/sessions/"
                                      f"{created[index % len(created)]}", patch)
            _refusal(resp, {200, 422})
    if drop_room:
        _refusal(agenda.delete(f"{base}/rooms/minero", org), {204, 409})

    event(f"sessions accepted: {min(len(created), 3)}{'+' if len(created) >= 3 else ''}")
    first = agenda.post(f"{base}/publish", org, json={"note": "first"})
    assert first.status_code == 201, first.text
    number = first.json()["version"]
    content = agenda.get(f"{base}/versions/{number}").json()
    assert len(content["sessions"]) == len(created)
    for export in ("agenda", "agenda.ics", "schedule.xml", "schedule.json"):
        assert agenda.get(f"{base}/{export}").status_code == 200, export
    assert_valid_schedules(agenda, eid)

    again = agenda.post(f"{base}/publish", org, json={"note": "again"})
    assert again.status_code == 200, again.text
    assert again.json() == {**first.json(), "new": False}
    assert agenda.get(f"{base}/versions/{number}").json() == content
    assert [v["version"] for v in agenda.get(f"{base}/versions").json()] == [number]


# Lines of the genre, so that arbitrary documents get past "no days" and into sessions.
FRAGMENTS = ["MARTES, 20 DE JUNIO DE 2017", "WEDNESDAY, 21 JUNE 2017", "\t09:00 – 10:00",
             "12:00 m.", "a partir de las 14:00", "14:00 hrs.", "TBC", "Durante la mañana",
             "All day", "Venue: Room of Honor", "Lugar: Sala B", "[Leads: PPT]",
             "· Item one", "Lunch", "Almuerzo", "Clausura", "Opening remarks",
             "Hora\tActividad\tResponsable", "10:30\tReceso\tSecretaría", "", "o deep"]


@SETTINGS
@given(lines=st.lists(st.one_of(st.sampled_from(FRAGMENTS), LINE), min_size=2, max_size=25))
def test_an_imported_document_publishes_or_is_refused_by_name(agenda, make_token, lines):
    eid = "q-" + uuid.uuid4().hex[:12]
    org = make_token(eid)
    text = "AGENDA\nSan Salvador, 19-23 June 2017\n" + "\n".join(lines)
    resp = agenda.post(f"{API}/{eid}/import", org, data=text.encode(),
                       headers={"Content-Type": "text/plain; charset=utf-8"})
    _refusal(resp, {200, 422})
    if resp.status_code != 200:
        return
    warned = [w for w in resp.json()["warnings"]
              if w["message"].startswith("Cannot be published")]
    published = agenda.post(f"{API}/{eid}/publish", org, json={})
    _refusal(published, {201, 422})
    event(f"import {resp.json()['sessions']} sessions, publish {published.status_code}")
    if published.status_code == 422:
        assert published.json()["reason"] == "draft_incomplete"
        assert len(published.json()["errors"]["sessions"]) == len(warned)
    else:
        assert warned == []
        assert_valid_schedules(agenda, eid)
