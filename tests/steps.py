"""Rooms in-process, and the changes a test sends as a client would.

A room is a dict: the `workshop`, its owner's `console` viewer, the `projector`, and two
phones, `rania` and `karim` (Rania Haddad and Karim Nassar, in both kinds of room).
conftest's `room` is `make_room`'s bare room: two participants, at the ideas stage.
conftest's `room_at(until)` is the sample seminar (facilitator/sample.py) filled up to
`until`, read by `sample_room`, which adds its `owner`, all its `people` and its working
`groups`.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from facilitator import eventlog, workshops
from facilitator.extensions import db
from facilitator.live import operations
from facilitator.live.operations import perform
from facilitator.method import STAGE_KEYS, index_of
from facilitator.models import Participant, Workshop
from facilitator.people import accounts, participants
from facilitator.sample import join
from facilitator.steps import groups
from facilitator.viewers import Viewer

OWNER = ("owner@example.org", "owner-password")  # the bare room's
SAMPLE_OWNER = ("sample-owner@example.org", "owner-password")  # room_at's, unless told
_ids = itertools.count(1)


def do(viewer, operation, /, op_id=None, **kwargs):
    """Send `operation` as a client would (a fresh op_id unless one is given)."""
    return perform(viewer, operation, op_id or f"op-{next(_ids):06d}", **kwargs)


def nonce_of(*parts: object) -> str:
    """A join form's nonce made from a name (and more), as an op_id may be written."""
    return re.sub(r"[^A-Za-z0-9_.:-]", "-", "nonce-" + "-".join(map(str, parts)))[:54] + \
        "-000000000"


def make_room(app: Flask) -> Iterator[dict]:
    """The bare room: a workshop at the ideas stage, its owner's console, the projector
    and two phones (a generator, as conftest's fixture wants)."""
    owner = operations.run(accounts.create_facilitator, OWNER[0], "Owner", OWNER[1])
    workshop = operations.run(workshops.create_workshop, owner,
                              {"title": "Beirut", "language": "en"})
    people = [join(workshop, nonce_of(name), name, "IDAL", workshop.profiles[0])[0]
              for name in ("Rania Haddad", "Karim Nassar")]
    console = workshops.viewer_for(workshop, owner)
    ack = do(console, "stage.change", from_stage="welcome", to_stage="ideas")
    assert ack["ok"], ack
    yield {"workshop": workshop, "console": console,
           "projector": Viewer(kind="projector", workshop_id=workshop.id),
           "rania": participants.viewer_for(people[0]),
           "karim": participants.viewer_for(people[1])}


def sample_room(workshop_id: int, owner_email: str) -> dict:
    """The sample seminar `workshop_id` as a room, read from the database now: the bare
    room's keys (its first two participants are Rania Haddad and Karim Nassar), its
    `owner`, its `people` in the order they joined and its active `groups` in priority
    order (none before Step 3)."""
    workshop = db.session.get(Workshop, workshop_id)
    owner = accounts.find(owner_email)
    people = db.session.scalars(select(Participant).where(
        Participant.workshop_id == workshop_id).order_by(Participant.id)).all()
    return {"workshop": workshop, "owner": owner,
            "console": workshops.viewer_for(workshop, owner),
            "projector": Viewer(kind="projector", workshop_id=workshop_id),
            "rania": participants.viewer_for(people[0]),
            "karim": participants.viewer_for(people[1]),
            "people": people,
            "groups": [g for g in groups.groups_of(workshop_id) if not g.retired]}


def phone_client(app: Flask, workshop: Workshop, name: str) -> FlaskClient:
    """The browser of a new participant, `name`, who joined `workshop` (its cookie)."""
    client = app.test_client()
    _participant, token = join(workshop, nonce_of(name, workshop.id), name, "",
                               workshop.profiles[0])
    client.set_cookie(participants.cookie_name(workshop.id), token)
    return client


def phone_of(person: Participant | int) -> Viewer:
    """A participant's phone as the operation path sees it now (their group read
    again: a viewer keeps the group it was made with)."""
    participant_id = person if isinstance(person, int) else person.id
    return participants.viewer_for(db.session.get(Participant, participant_id,
                                                  populate_existing=True))


def walk_to(room: dict, stage: str) -> None:
    """Move the room to `stage` as its facilitator would: forward one stage after
    another (each stage's hooks run: entering Step 3 forms the groups), back in one
    move."""
    current = db.session.get(Workshop, room["workshop"].id, populate_existing=True).stage
    if index_of(stage) <= index_of(current):
        route = [stage] if stage != current else []
    else:
        route = list(STAGE_KEYS[index_of(current) + 1:index_of(stage) + 1])
    for to_stage in route:
        ack = do(room["console"], "stage.change", from_stage=current, to_stage=to_stage)
        assert ack["ok"], ack
        current = to_stage


def to_closing(room: dict) -> None:
    """The room at the closing, through every stage before it."""
    walk_to(room, "closing")


def seen_by(viewer, since):
    """What a client of this viewer receives after `since` (type, data) in order."""
    last = db.session.get(Workshop, viewer.workshop_id, populate_existing=True).last_seq
    return [(e.type, e.data) for e in eventlog.events_since(viewer, since, last) or []]


def last_seq(room):
    return db.session.get(Workshop, room["workshop"].id).last_seq
