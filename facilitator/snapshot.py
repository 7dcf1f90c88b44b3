"""The room as a viewer may see it now: what a client loads first or after being away.

Each capability adds its own part with `@part("name")`: a function of the workshop and
of whether the viewer is staff, so that what every phone (or every console) may see is
built once per workshop and seq and shared by all of them; a thousand phones syncing at
once after a Wi-Fi cut cost one build, not a thousand. What differs from one person to
the next (their own cards, their dots, who they are) is added by `@personal("name")`
functions, which take the shared part and return this viewer's copy.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Callable

from flask import current_app

from .eventlog import stream_heads
from .extensions import db
from .models import Workshop, iso, utcnow
from .viewers import Viewer

PARTS: dict[str, Callable[[Workshop, bool], object]] = {}
PERSONAL: dict[str, Callable[[object, Workshop, Viewer], object]] = {}
SHARED_KEPT = 16  # a few workshops × (staff, everyone), per app


def part(name: str):
    def register(fn):
        PARTS[name] = fn
        return fn
    return register


def personal(name: str):
    def register(fn):
        PERSONAL[name] = fn
        return fn
    return register


def shared_state(workshop: Workshop, staff: bool) -> dict:
    """Every part as the staff, or as everyone, sees it at the workshop's last seq."""
    kept: OrderedDict = current_app.extensions.setdefault("facilitator.snapshots",
                                                          OrderedDict())
    key = (workshop.id, workshop.created_at, workshop.last_seq, staff)
    state = kept.get(key)
    if state is None:
        state = {name: build(workshop, staff) for name, build in PARTS.items()}
        kept[key] = state
        while len(kept) > SHARED_KEPT:
            kept.popitem(last=False)
    return state


def snapshot(viewer: Viewer) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id, populate_existing=True)
    shared = shared_state(workshop, viewer.is_staff)
    state = {"seq": workshop.last_seq, "server_time": iso(utcnow()),
             "streams": stream_heads(viewer)}
    for name, value in shared.items():
        adjust = PERSONAL.get(name)
        state[name] = adjust(value, workshop, viewer) if adjust else value
    return state
