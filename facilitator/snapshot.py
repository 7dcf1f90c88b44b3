"""The room as a viewer may see it now: what a client loads first or after being away.

Each capability adds its own part with `@part("name")`: a function of the workshop and
of whether the viewer is staff, so that what every console, the projector or every phone
may see is built once per workshop, seq and audience and shared by all of them; a
thousand phones syncing at once after a Wi-Fi cut cost one build, not a thousand. A part
may add a phone's variant (`@part("name", phone=True)`): what a phone shows of it (counts
instead of every participant, a page of the wall), so a phone's snapshot stays small;
without one, phones get the projector's. What differs from one person to the next (their
own cards, their dots, their group's people, who they are) is added by
`@personal("name")` functions, which take the shared part and return this viewer's copy
(a phone's variant may keep what they pick from under keys starting with "_":
`snapshot` drops those keys, whoever's copy it is).
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
PHONE_PARTS: dict[str, Callable[[Workshop, bool], object]] = {}  # a phone's variants
PERSONAL: dict[str, Callable[[object, Workshop, Viewer], object]] = {}
# part -> its note in docs/protocol.md, from @part (its shape: views.SNAPSHOTS' classes)
CONTENTS: dict[str, str] = {}
# what every snapshot carries besides the parts (`scope`: added by the sync's answer), as
# docs/protocol.md notes it beside the shape views.Snapshot declares
KEYS: dict[str, str] = {
    "seq": "the workshop's last seq when the snapshot was taken",
    "streams": "the last seq of every stream this client sees (see \"Streams\")",
    "scope": "what this client sees, in one word: send it back with `sync`",
    "server_time": "the server's clock: timers use it, not the phone's clock",
}
SHARED_KEPT = 24  # a few workshops × (staff, projector, phone), per app


def part(name: str, content: str = "", *, phone: bool = False):
    """Register `fn(workshop, staff)` as the snapshot's part `name`, with the note
    docs/protocol.md writes beside its shape (`content`: who gets what, why; the shape is
    written from views.SNAPSHOTS, never here); with `phone=True`, as the variant phones
    get instead (built with staff False)."""
    if content:
        CONTENTS[name] = content

    def register(fn):
        (PHONE_PARTS if phone else PARTS)[name] = fn
        return fn
    return register


def personal(name: str):
    def register(fn):
        PERSONAL[name] = fn
        return fn
    return register


def audience(viewer: Viewer) -> str:
    """Whose shared parts a viewer gets: "staff", "phone" or "projector"."""
    if viewer.is_staff:
        return "staff"
    return "phone" if viewer.kind == "participant" else "projector"


def shared_state(workshop: Workshop, seen_by: str) -> dict:
    """Every part as the staff, the projector or the phones see it at the workshop's
    last seq."""
    kept: OrderedDict = current_app.extensions.setdefault("facilitator.snapshots",
                                                          OrderedDict())
    # phones' parts change only with what a phone may see (workshop.phone_seq): a room
    # joining, heard of by the screens alone, does not build them again at each arrival
    seq = workshop.phone_seq if seen_by == "phone" else workshop.last_seq
    key = (workshop.id, workshop.created_at, seq, seen_by)
    state = kept.get(key)
    if state is None:
        variants = PHONE_PARTS if seen_by == "phone" else {}
        state = {name: variants.get(name, build)(workshop, seen_by == "staff")
                 for name, build in PARTS.items()}
        kept[key] = state
        while len(kept) > SHARED_KEPT:
            kept.popitem(last=False)
    return state


def snapshot(viewer: Viewer) -> dict:
    workshop = db.session.get(Workshop, viewer.workshop_id, populate_existing=True)
    shared = shared_state(workshop, audience(viewer))
    state = {"seq": workshop.last_seq, "server_time": iso(utcnow()),
             "streams": stream_heads(viewer)}
    for name, value in shared.items():
        adjust = PERSONAL.get(name)
        state[name] = _sent(adjust(value, workshop, viewer) if adjust else value)
    return state


def _sent(part_value: object) -> object:
    """A part as it goes out: what a phone's variant keeps for the personal touches (keys
    starting with "_": every phone's dots, proposals, group members) stays here."""
    if isinstance(part_value, dict) and any(key.startswith("_") for key in part_value):
        return {key: value for key, value in part_value.items() if not key.startswith("_")}
    return part_value
