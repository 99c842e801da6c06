"""Bus streams are trimmed only behind every consumer group: what all groups acknowledged
goes, what one group still holds (pending, or not yet read) stays, and a consumer that
crashed before acknowledging still finds its entries on restart.

The consumers here are real :class:`shared.bus.Consumer` objects on the suite's Redis, in a
database of their own (their discovery reads every meeting of the database); the last test
runs the services' own consumer processes."""

from __future__ import annotations

import uuid

import pytest

from conftest import consumer_args, wait_until
from shared import bus
from shared.keys import bus_stream
from shared.store import connect
from tests import flows


@pytest.fixture
def rb(redis_url):
    client = connect(redis_url.rsplit("/", 1)[0] + "/7")
    yield client
    client.close()


@pytest.fixture
def groups():
    tag = uuid.uuid4().hex[:8]
    return (f"first-{tag}", f"second-{tag}")


def _meeting(rb, groups, n: int = 5) -> tuple[str, list[str]]:
    eid = "trim-" + uuid.uuid4().hex[:10]
    bus.register_meeting(rb, eid, groups)
    ids = []
    for k in range(n):
        with rb.pipeline(transaction=True) as pipe:
            bus.add(pipe, eid, "test.entry", {"n": k})
            ids.append(pipe.execute()[0])
    return eid, ids


def _consumer(rb, group, groups, seen, name="c1", fail=(), keep_s=0.0):
    def handle(msg: bus.Message) -> None:
        if msg.data.get("n") in fail:
            raise RuntimeError("handler failed")
        seen.append((msg.event, msg.data["n"]))

    return bus.Consumer(rb, group, handle, name=name, trim_groups=groups, trim_every_s=0,
                        block_ms=10, keep_s=keep_s)


def _ids(rb, eid) -> list[str]:
    return [entry_id for entry_id, _f in rb.xrange(bus_stream(eid))]


def test_entries_every_group_acknowledged_are_trimmed(rb, groups):
    eid, ids = _meeting(rb, groups)
    seen: list = []
    first, second = (_consumer(rb, g, groups, seen) for g in groups)
    first.poll_once()
    assert _ids(rb, eid) == ids, "the second group has read nothing yet: nothing goes"
    second.poll_once()
    assert _ids(rb, eid) == []
    assert sorted(n for e, n in seen if e == eid) == sorted(list(range(5)) * 2)


def test_a_group_that_starts_late_still_reads_everything(rb, groups):
    eid, ids = _meeting(rb, groups)
    seen_first: list = []
    first = _consumer(rb, groups[0], groups, seen_first)
    for _ in range(3):
        first.poll_once()
    assert _ids(rb, eid) == ids, "the second group's consumer never ran: it holds trimming"
    seen_second: list = []
    _consumer(rb, groups[1], groups, seen_second).poll_once()
    assert [n for e, n in seen_second if e == eid] == list(range(5))
    assert _ids(rb, eid) == []


def test_nothing_goes_while_a_required_group_is_missing(rb, groups):
    eid, ids = _meeting(rb, groups[:1])  # the stream knows only the first group
    first = _consumer(rb, groups[0], groups, [])
    first.poll_once()
    first.poll_once()
    assert _ids(rb, eid) == ids


def test_an_entry_pending_for_one_group_stays(rb, groups):
    eid, ids = _meeting(rb, groups)
    first = _consumer(rb, groups[0], groups, [], fail={2})
    second = _consumer(rb, groups[1], groups, [])
    first.poll_once()
    second.poll_once()
    assert rb.xpending(bus_stream(eid), groups[0])["pending"] == 1
    assert _ids(rb, eid) == ids[2:], "entries before the pending one go; it and later stay"
    bus.trim(rb, bus_stream(eid), groups)
    assert _ids(rb, eid) == ids[2:]


def test_a_consumer_that_died_before_acking_recovers_its_entries(rb, groups):
    eid, ids = _meeting(rb, groups)

    def die(_msg):  # like SIGKILL: nothing after the read happens, not even the ack
        raise SystemExit

    crashing = bus.Consumer(rb, groups[0], die, name="c1", trim_groups=groups,
                            trim_every_s=0, block_ms=10)
    with pytest.raises(SystemExit):
        crashing.poll_once()
    second = _consumer(rb, groups[1], groups, [])
    second.poll_once()
    assert _ids(rb, eid) == ids, "read by the dead consumer, never acknowledged: all stay"
    seen: list = []
    restarted = _consumer(rb, groups[0], groups, seen, name="c1")
    restarted.poll_once()
    assert [n for e, n in seen if e == eid] == list(range(5)), "whole entries, not gaps"
    assert _ids(rb, eid) == []


def test_retention_keeps_acknowledged_entries_for_a_while(rb, groups):
    eid, ids = _meeting(rb, groups)
    for group in groups:
        _consumer(rb, group, groups, [], keep_s=3600).poll_once()
    # Everything is acknowledged; a window of an hour keeps it, none removes it.
    assert bus.trim(rb, bus_stream(eid), groups, keep_ms=3_600_000) == 0
    assert _ids(rb, eid) == ids
    assert bus.trim(rb, bus_stream(eid), groups) == 5


def test_the_services_consumers_trim_what_both_handled(
        suite, r, meeting_id, make_token, mailbox, registration_consumer, notify_consumer,
        process_factory):
    # The suite's consumers keep history for the other tests; these two trim at once.
    registration_consumer.stop()
    notify_consumer.stop()
    trimming = [process_factory(f"{service}-consumer-trim",
                                *consumer_args(service, "trim")).start(BUS_KEEP_S="0")
                for service in ("registration", "notify")]
    try:
        agenda, registration = suite["agenda"], suite["registration"]
        org = make_token(meeting_id)
        opening = flows.create_meeting(agenda, org, meeting_id)
        flows.publish(agenda, org, meeting_id)
        stream = bus_stream(meeting_id)
        assert {g["name"] for g in r.xinfo_groups(stream)} >= set(bus.GROUPS)
        email = f"tom.{meeting_id}@example.org"
        did, token = flows.register(registration, mailbox, meeting_id, email, "Tom")
        assert flows.sign_up(registration, meeting_id, did, token, opening).status_code == 201
        wait_until(lambda: len(mailbox.to(email)) >= 2)  # registration mail, then the seat
        wait_until(lambda: r.xlen(stream) == 0)
        assert all(g["pending"] == 0 for g in r.xinfo_groups(stream))
    finally:
        for proc in trimming:
            proc.stop()
        registration_consumer.start()
        notify_consumer.start()


def test_every_services_group_is_created_with_the_stream():
    from services.notify.planner import GROUP as NOTIFY
    from services.registration.consumer import GROUP as REGISTRATION

    assert {REGISTRATION, NOTIFY} <= set(bus.GROUPS)
