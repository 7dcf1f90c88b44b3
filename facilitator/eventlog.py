"""The workshop's event log: append in the transaction, publish after the commit.

Every change is appended with the next seq of its workshop and the audience that may see
it. `commit()` commits the transaction and only then emits the new events to their
Socket.IO rooms: a broadcast never waits inside an open write transaction (under
eventlet, SQLite's busy-wait there would freeze the whole server).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select, update

from .extensions import db, socketio
from .models import Event, Workshop
from .viewers import Viewer, room_all, room_facilitators, room_group, room_participant

AUDIENCES = ("all", "facilitators", "group", "participant")
CATCH_UP_LIMIT = 500  # a client further behind gets a snapshot instead
_PENDING = "facilitator.pending_events"


def append(workshop: Workshop, type_: str, data: dict[str, Any], *, audience: str = "all",
           target_id: int | None = None, actor: str = "") -> Event:
    """Add an event to the current transaction, numbered after the workshop's last one."""
    assert audience in AUDIENCES, audience
    # one UPDATE … RETURNING both numbers the event and serialises concurrent writers on
    # the workshop's row (SQLite ≥ 3.35 and PostgreSQL both return the new value)
    seq = db.session.execute(
        update(Workshop).where(Workshop.id == workshop.id)
        .values(last_seq=Workshop.last_seq + 1).returning(Workshop.last_seq)
        .execution_options(synchronize_session=False)).scalar_one()
    event = Event(workshop_id=workshop.id, seq=seq, type=type_, data=data,
                  audience=audience, target_id=target_id, actor=actor)
    db.session.add(event)
    db.session.info.setdefault(_PENDING, []).append(event)
    return event


def commit() -> list[Event]:
    """Commit, then publish what the transaction appended. Returns the events published."""
    try:
        db.session.commit()
    except Exception:
        discard()
        raise
    events = db.session.info.pop(_PENDING, [])
    for event in events:
        publish(event)
    return events


def discard() -> None:
    """Forget the events of a transaction being rolled back."""
    db.session.info.pop(_PENDING, None)
    db.session.rollback()


def wire(event: Event) -> dict[str, Any]:
    """An event as clients receive it."""
    return {"seq": event.seq, "type": event.type, "data": event.data}


def rooms_for(event: Event) -> list[str]:
    w = event.workshop_id
    if event.audience == "all":
        return [room_all(w)]
    if event.audience == "group":
        return [room_group(w, event.target_id), room_facilitators(w)]
    if event.audience == "participant":
        return [room_participant(w, event.target_id), room_facilitators(w)]
    return [room_facilitators(w)]


def publish(event: Event) -> None:
    socketio.emit("event", wire(event), to=rooms_for(event))


def events_since(viewer: Viewer, since: int) -> list[Event] | None:
    """The events after `since` that the viewer may see, or None when it is too far behind
    (or new) and should take a snapshot."""
    if since <= 0:
        return None
    query = select(Event).where(Event.workshop_id == viewer.workshop_id, Event.seq > since)
    if not viewer.is_staff:
        visible = [Event.audience == "all"]
        if viewer.group_id is not None:
            visible.append((Event.audience == "group") & (Event.target_id == viewer.group_id))
        if viewer.participant_id is not None:
            visible.append((Event.audience == "participant")
                           & (Event.target_id == viewer.participant_id))
        query = query.where(or_(*visible))
    events = db.session.scalars(query.order_by(Event.seq).limit(CATCH_UP_LIMIT + 1)).all()
    if len(events) > CATCH_UP_LIMIT:
        return None
    return list(events)
