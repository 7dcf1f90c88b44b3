"""Steps 1 and 2 in-process: a room to test them in, and operations sent as a client would.

The `room` fixture (in conftest.py) is built by `make_room`.
"""
from __future__ import annotations

import itertools

from facilitator import accounts, eventlog, operations, participants, workshops
from facilitator.extensions import db
from facilitator.models import Workshop
from facilitator.operations import perform
from facilitator.viewers import Viewer

_ids = itertools.count(1)


def do(viewer, operation, /, op_id=None, **kwargs):
    """Send `operation` as a client would (a fresh op_id unless one is given)."""
    return perform(viewer, operation, op_id or f"op-{next(_ids):06d}", **kwargs)


def make_room(app):
    """A workshop at the ideas stage, its owner's console, the projector and two phones.

    A request context stays open: snapshots build join URLs from the request's host."""
    owner = operations.run(accounts.create_facilitator, "owner@example.org", "Owner",
                           "owner-password")
    workshop = operations.run(workshops.create_workshop, owner,
                              {"title": "Beirut", "language": "en"})
    with app.test_request_context():
        people = [operations.run(participants.join, workshop, f"nonce-{name}-0000000000",
                                 name, "IDAL", workshop.profiles[0], True)[0]
                  for name in ("Rania Haddad", "Karim Nassar")]
        console = workshops.viewer_for(workshop, owner)
        ack = do(console, "stage.change", from_stage="welcome", to_stage="ideas")
        assert ack["ok"], ack
        yield {"workshop": workshop, "console": console,
               "projector": Viewer(kind="projector", workshop_id=workshop.id),
               "rania": participants.viewer_for(people[0]),
               "karim": participants.viewer_for(people[1])}


def seen_by(viewer, since):
    """What a client of this viewer receives after `since` (type, data) in order."""
    last = db.session.get(Workshop, viewer.workshop_id, populate_existing=True).last_seq
    return [(e.type, e.data) for e in eventlog.events_since(viewer, since, last) or []]


def last_seq(room):
    return db.session.get(Workshop, room["workshop"].id).last_seq
