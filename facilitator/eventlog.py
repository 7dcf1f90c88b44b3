"""The workshop's event log: append in the transaction, publish after the commit.

Every change is appended with the next seq of its workshop, the audience that may see
it, and the seq of the previous event of the same audience (its stream), so a client that
sees only some streams can still tell when it missed an event meant for it. `commit()`
commits the transaction and only then emits the new events to their Socket.IO rooms: a
broadcast never waits inside an open write transaction (under eventlet, SQLite's
busy-wait there would freeze the whole server). Sockets whose rights or rooms changed are
told after the commit too (`realign`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update

from .errors import OperationError
from .extensions import db, socketio
from .live.cluster import CUT_OFF
from .models import Event, Membership, Workshop
from .viewers import (Viewer, room_all, room_boards, room_facilitators, room_group,
                      room_participant, room_person, stream_of)

# "screens": the staff and the projectors (what phones do not show, as a newcomer's
# arrival: a thousand phones need not hear of a thousand arrivals)
AUDIENCES = ("all", "facilitators", "screens", "group", "participant")
PHONES_SEE = ("all", "group", "participant")  # the audiences that move workshop.phone_seq
CATCH_UP_LIMIT = 500  # a client further behind gets a snapshot instead
_PENDING = "facilitator.pending_events"
_REALIGN = "facilitator.pending_realign"
_HEADS = "facilitator.stream_heads"
_AFTER = "facilitator.after_commit"
log = logging.getLogger(__name__)


# What every change runs, built once and on the tables rather than the ORM classes:
# building a statement (its clauses, its cache key) and the ORM's layer around it cost
# SQLAlchemy several times what running it costs SQLite (docs/performance.md).
_WORKSHOPS, _EVENTS = Workshop.__table__, Event.__table__
_LOCK = (update(_WORKSHOPS).where(_WORKSHOPS.c.id == bindparam("workshop_id"))
         .values(last_seq=_WORKSHOPS.c.last_seq))
_WORKSHOP = (select(Workshop).where(Workshop.id == bindparam("workshop_id"))
             .execution_options(populate_existing=True))
# one UPDATE … RETURNING both numbers an event and serialises concurrent writers on the
# workshop's row (SQLite ≥ 3.35 and PostgreSQL both return the new value)
_NEXT_SEQ = {seen: (update(_WORKSHOPS).where(_WORKSHOPS.c.id == bindparam("workshop_id"))
                    .values(last_seq=_WORKSHOPS.c.last_seq + 1,
                            **({"phone_seq": _WORKSHOPS.c.last_seq + 1} if seen else {}))
                    .returning(_WORKSHOPS.c.last_seq))
             for seen in (False, True)}
_STREAM_HEAD = select(func.coalesce(func.max(_EVENTS.c.seq), 0)).where(
    _EVENTS.c.workshop_id == bindparam("workshop_id"), _EVENTS.c.stream == bindparam("stream"))
_INSERT = insert(_EVENTS)


def lock(workshop_id: int) -> Workshop:
    """Take the workshop's row lock for this transaction and read the workshop fresh.

    Every operation starts here, so its checks (stage, input lock, voting open, rights)
    read what the previous writer committed, on PostgreSQL as on SQLite (where this first
    write takes the database's write lock). A workshop that is not there (never was, or
    its owner deleted it since the page was opened) is refused `not_found`."""
    if not db.session.execute(_LOCK, {"workshop_id": workshop_id}).rowcount:
        raise OperationError("not_found", _l("This workshop does not exist."))
    return db.session.execute(_WORKSHOP, {"workshop_id": workshop_id}).scalar_one()


@dataclass(frozen=True)
class Appended:
    """An event written in this transaction: what is published of it once committed
    (the attributes `wire` and `rooms_for` read, as on an Event row)."""

    workshop_id: int
    seq: int
    type: str
    data: dict[str, Any]
    audience: str
    target_id: int | None
    stream: str
    prev_seq: int


def append(workshop: Workshop, type_: str, data: dict[str, Any], *, audience: str = "all",
           target_id: int | None = None, actor: str = "") -> Appended:
    """Add an event to the current transaction, numbered after the workshop's last one."""
    assert audience in AUDIENCES, audience
    seq = db.session.execute(_NEXT_SEQ[audience in PHONES_SEE],
                             {"workshop_id": workshop.id}).scalar_one()
    stream = stream_of(audience, target_id)
    heads = db.session.info.setdefault(_HEADS, {})
    prev = heads.get((workshop.id, stream))
    if prev is None:  # the stream's head, read once a transaction
        prev = db.session.execute(_STREAM_HEAD, {"workshop_id": workshop.id,
                                                 "stream": stream}).scalar_one()
    heads[(workshop.id, stream)] = seq
    event = Appended(workshop.id, seq, type_, data, audience, target_id, stream, prev)
    db.session.execute(_INSERT, {
        "workshop_id": workshop.id, "seq": seq, "type": type_, "data": data,
        "audience": audience, "target_id": target_id, "actor": actor, "stream": stream,
        "prev_seq": prev})
    # what is published is fixed now: nothing is read back after the commit
    db.session.info.setdefault(_PENDING, []).append((wire(event), rooms_for(event)))
    return event


def realign(workshop_id: int, *, people: list[str] = (), close: list[str] = (),
            cut_off: list[str] = ()) -> None:
    """After the commit, empty the rooms in `close` (on every server process) and tell the
    sockets in the rooms `people` (personal rooms) to `sync`, which derives their rights
    and rooms again. Used when a role, a membership or a group changes. The sockets in
    the rooms `cut_off` (personal rooms of people whose rights went) are disconnected by
    the server on every process, whether or not their client syncs."""
    pending = db.session.info.setdefault(_REALIGN, {"close": [], "people": [], "cut_off": []})
    for key, rooms in (("close", close), ("people", people), ("cut_off", cut_off)):
        pending[key] += [room for room in rooms if room not in pending[key]]


def after_commit(work: Callable[[], Any]) -> None:
    """Work a change asks for that must not run inside its transaction (asking for the
    plan's PDF to be rendered): run once the change is committed and published, dropped
    if it is rolled back. A failure is logged, never raised: the change is done."""
    db.session.info.setdefault(_AFTER, []).append(work)


def realign_staff(workshop_id: int, extra: list[int] = (), gone: list[int] = ()) -> None:
    """After the commit: every console and projector of this workshop derives its rights
    and rooms again (members now, plus `extra` people whose rights just went); those of
    the people `gone` (removed, signed out) are disconnected by the server."""
    staff = db.session.scalars(select(Membership.facilitator_id).where(
        Membership.workshop_id == workshop_id)).all()
    realign(workshop_id, close=[room_facilitators(workshop_id)],
            people=[room_person(workshop_id, fid) for fid in {*staff, *extra}],
            cut_off=[room_person(workshop_id, fid) for fid in gone])


def commit() -> list[dict]:
    """Commit, then publish what the transaction appended, then run what it asked for
    after its commit. Returns the events published."""
    try:
        db.session.commit()
    except Exception:
        discard()
        raise
    info = db.session.info
    events = info.pop(_PENDING, [])
    moves = info.pop(_REALIGN, None)
    info.pop(_HEADS, None)
    for event, rooms in events:
        publish(event, rooms)
    if moves:
        for room in moves["close"]:
            socketio.close_room(room)
        if moves["people"]:
            socketio.emit("resync", {}, to=moves["people"])
        for room in moves["cut_off"]:
            socketio.close_room(CUT_OFF + room)
    for work in info.pop(_AFTER, []):
        try:
            work()
        except Exception:  # noqa: BLE001 (committed: what follows must not undo it)
            log.exception("work after a commit failed")
    return [event for event, _rooms in events]


def discard() -> None:
    """Forget what a transaction being rolled back would have published."""
    for key in (_PENDING, _REALIGN, _HEADS, _AFTER):
        db.session.info.pop(key, None)
    db.session.rollback()


def wire(event: Event | Appended) -> dict[str, Any]:
    """An event as clients receive it."""
    return {"seq": event.seq, "type": event.type, "data": event.data,
            "stream": event.stream, "prev": event.prev_seq}


def rooms_for(event: Event | Appended) -> list[str]:
    w = event.workshop_id
    if event.audience == "all":
        return [room_all(w)]
    if event.audience == "group":
        return [room_group(w, event.target_id), room_facilitators(w), room_boards(w)]
    if event.audience == "participant":
        return [room_participant(w, event.target_id), room_facilitators(w)]
    if event.audience == "screens":
        return [room_facilitators(w), room_boards(w)]
    return [room_facilitators(w)]


def publish(event: dict, rooms: list[str]) -> None:
    """Emit one event; a failure is logged, never raised: the change is committed, and a
    client that misses the event sees the hole at the next one of its stream."""
    try:
        socketio.emit("event", event, to=rooms)
    except Exception:  # noqa: BLE001 (a message-queue hiccup must not fail the operation)
        log.exception("could not publish event %s (%s)", event["seq"], event["type"])


def _visible(viewer: Viewer):
    streams = viewer.streams()
    visible = Event.stream.in_([s for s in streams if s != "g*"])
    if "g*" in streams:
        visible = visible | Event.stream.like("g%")
    return visible


def events_since(viewer: Viewer, since: int, last_seq: int) -> list[Event] | None:
    """The events after `since` that the viewer may see, or None when it should take a
    snapshot: it is new, too far behind, or ahead of the log (a restored database)."""
    if since <= 0 or since > last_seq or last_seq - since > CATCH_UP_LIMIT:
        return None  # far behind: a snapshot, without reading hundreds of events first
    query = select(Event).where(Event.workshop_id == viewer.workshop_id, Event.seq > since)
    if not viewer.is_staff:
        query = query.where(_visible(viewer))
    events = db.session.scalars(query.order_by(Event.seq).limit(CATCH_UP_LIMIT + 1)).all()
    if len(events) > CATCH_UP_LIMIT:
        return None
    return list(events)


def stream_heads(viewer: Viewer) -> dict[str, int]:
    """The last seq of every stream this viewer sees: where a snapshot leaves each one."""
    query = (select(Event.stream, func.max(Event.seq))
             .where(Event.workshop_id == viewer.workshop_id).group_by(Event.stream))
    if not viewer.is_staff:
        query = query.where(_visible(viewer))
    return {stream: seq for stream, seq in db.session.execute(query).all()}
