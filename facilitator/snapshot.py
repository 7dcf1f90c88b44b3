"""The room as a viewer may see it now: what a client loads first or after being away.

Each capability adds its own part with `@part("name")`, so a snapshot grows with the
product without this module knowing every feature.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable

from .extensions import db
from .models import Participant, Workshop, iso, utcnow
from .viewers import Viewer

PARTS: dict[str, Callable[[Workshop, Viewer], object]] = {}


def part(name: str):
    def register(fn):
        PARTS[name] = fn
        return fn
    return register


def snapshot(viewer: Viewer) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id)
    state = {"seq": workshop.last_seq, "server_time": iso(utcnow())}
    for name, build in PARTS.items():
        state[name] = build(workshop, viewer)
    return state


@part("workshop")
def _workshop(workshop: Workshop, viewer: Viewer) -> dict:
    from .workshops import public_info

    return public_info(workshop)


@part("stage")
def _stage(workshop: Workshop, viewer: Viewer) -> dict:
    return {"stage": workshop.stage, "started_at": iso(workshop.stage_started_at)}


@part("joining")
def _joining(workshop: Workshop, viewer: Viewer) -> dict:
    from .workshops import joining_info

    return joining_info(workshop)


@part("participants")
def _participants(workshop: Workshop, viewer: Viewer) -> dict:
    from .participants import public

    people = db.session.scalars(db.select(Participant).where(
        Participant.workshop_id == workshop.id).order_by(Participant.id)).all()
    return {"list": [public(p) for p in people],
            "by_profile": dict(Counter(p.profile for p in people))}


@part("me")
def _me(workshop: Workshop, viewer: Viewer) -> dict:
    if viewer.kind == "participant":
        from .participants import public

        participant = db.session.get(Participant, viewer.participant_id)
        return {"kind": "participant", **public(participant),
                "rejoin_code": participant.rejoin_code}
    return {"kind": viewer.kind, "role": viewer.role}
