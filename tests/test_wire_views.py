"""What the server sends has the shape facilitator/live/views.py declares, key for key.

The sample seminar runs to its end (closed), then a tour of the operations it never
sends reopens it and does each once, so every event type of live/events.py is published
at least once. Every event's data, as eventlog.wire gives it, is converted to its class
(views.EVENT_DATA) with `msgspec.convert(strict=True)`, and so are the snapshots of a
console, an organiser's console, the projector and two phones (views.SNAPSHOTS), taken
before the tour, while the cards are anonymous, and after it: a key missing or unknown,
or a value of another type, fails, naming the event or snapshot and the path.

A view function changed without its class (a key added) is shown to fail the check.
"""
from __future__ import annotations

import json

import msgspec
import pytest
from sqlalchemy import select

from facilitator import eventlog, snapshot, workshops
from facilitator.extensions import db
from facilitator.live import events, handlers, operations, views
from facilitator.models import (CommitteeMember, Event, ImmediateMeasure, Objective,
                                SharedAction, SuccessFactor, Workshop)
from facilitator.people import accounts
from facilitator.steps import ideas, priorities
from tests.steps import do, phone_of

ORGANISER = ("views-organiser@example.org", "organiser-password")


def _ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def _tour(room: dict) -> list[tuple[str, str, dict]]:
    """Reopen the closed sample and send, once each, what it never sends; the snapshots
    taken back at the ideas stage (the phones' wall) while the cards are anonymous are
    returned."""
    console, workshop_id = room["console"], room["workshop"].id
    _ok(do(console, "workshop.reopen"))
    _ok(do(console, "joining.update", joining_open=True))
    _ok(do(console, "plan.share", shared=True))
    _ok(do(console, "ideas.settings", anonymous=True))
    _ok(do(console, "stage.change", from_stage="closing", to_stage="ideas"))  # the wall
    anonymous = _snapshots(room)
    _ok(do(console, "stage.change", from_stage="ideas", to_stage="closing"))
    _ok(do(console, "ideas.settings", anonymous=False))  # names shown again: `authors`
    _ok(do(console, "timer.start", seconds=60))
    _ok(do(console, "timer.stop"))
    # themes: made, renamed, merged, unmerged, deleted
    kept = _ok(do(console, "theme.create", title="Tour theme"))["theme"]["id"]
    gone = _ok(do(console, "theme.create", title="Tour theme to merge"))["theme"]["id"]
    _ok(do(console, "theme.rename", theme_id=gone, title="Tour theme merged"))
    _ok(do(console, "theme.merge", into_id=kept, theme_ids=[gone]))
    _ok(do(console, "theme.unmerge", theme_id=gone))
    _ok(do(console, "theme.delete", theme_id=gone))
    _ok(do(console, "groups.settings", cap=40))
    # a board: an objective a phone wrote, corrected from an older version than its own
    group = room["groups"][0]
    written = db.session.scalars(select(Objective).where(
        Objective.group_id == group.id, Objective.updated_by.like("participant:%"))).first()
    _ok(do(console, "objective.edit", objective_id=written.id, text=written.text + ".",
           version=written.version - 1))
    objective = _ok(do(console, "objective.add", group_id=group.id,
                       text="Tour objective"))["objective"]["id"]
    actor = _ok(do(console, "actor.add", group_id=group.id, name="Tour actor",
                   distinct=True))["actor"]["id"]
    action = _ok(do(console, "action.add", group_id=group.id, title="Tour action",
                    objective_ids=[objective], lead_actor_id=actor))["action"]["id"]
    _ok(do(console, "action.remove", action_id=action))
    _ok(do(console, "actor.remove", actor_id=actor))
    _ok(do(console, "objective.remove", objective_id=objective))
    # Step 4 and the closing: an accepted synergy undone (its shared actions unlinked),
    # a shared action, a measure and a factor removed, a member leaving
    linked = db.session.scalar(select(SharedAction.synergy_id).where(
        SharedAction.workshop_id == workshop_id, SharedAction.synergy_id.is_not(None)))
    _ok(do(console, "synergy.remove", synergy_id=linked))
    for name, model, field in (("shared_action.remove", SharedAction, "shared_action_id"),
                               ("measure.remove", ImmediateMeasure, "measure_id"),
                               ("factor.remove", SuccessFactor, "factor_id")):
        item = db.session.scalar(select(model.id).where(model.workshop_id == workshop_id))
        _ok(do(console, name, **{field: item}))
    member = db.session.scalar(select(CommitteeMember.participant_id).where(
        CommitteeMember.workshop_id == workshop_id).order_by(CommitteeMember.id.desc()))
    _ok(do(phone_of(member), "committee.leave"))
    # people: one anonymised, one removed, an organiser in the team
    _ok(do(console, "participant.anonymise", participant_id=room["people"][-1].id))
    _ok(do(console, "participant.remove", participant_id=room["people"][-2].id))
    operations.run(accounts.create_facilitator, ORGANISER[0], "Organiser", ORGANISER[1])
    operations.submit(console, "team.add", email=ORGANISER[0], role="organiser")
    _ok(do(console, "workshop.close"))
    return anonymous


def _snapshots(room: dict) -> list[tuple[str, str, dict]]:
    """(who, their audience, their snapshot as the sync's answer sends it) for a console,
    the projector and two phones (Rania's, and a committee member's when there is one),
    and an organiser's console once there is one."""
    workshop = db.session.get(Workshop, room["workshop"].id, populate_existing=True)
    viewers = [("console", room["console"]), ("projector", room["projector"]),
               ("Rania's phone", phone_of(room["rania"].participant_id))]
    member = db.session.scalar(select(CommitteeMember.participant_id).where(
        CommitteeMember.workshop_id == workshop.id).order_by(CommitteeMember.id))
    if member is not None:
        viewers.append(("a committee member's phone", phone_of(member)))
    organiser = accounts.find(ORGANISER[0])
    if organiser is not None:
        viewers.append(("an organiser's console",
                        workshops.viewer_for(workshop, organiser)))
    return [(f"{who}'s snapshot", snapshot.audience(viewer),
             _wire({**snapshot.snapshot(viewer),
                    "scope": handlers.scope(viewer, workshop.log_epoch)}))
            for who, viewer in viewers]


def _wire(value):
    """A value as a client reads it: through JSON, as Socket.IO sends it."""
    return json.loads(json.dumps(value))


def _mismatch(value, shape) -> str | None:
    try:
        msgspec.convert(value, shape, strict=True)
    except msgspec.ValidationError as error:
        return str(error)
    return None


def problems(room: dict, snapshots: list[tuple[str, str, dict]]) -> tuple[list[str], set[str]]:
    """What differs from its class: every event of the workshop, and the snapshots given.
    And the event types seen."""
    found, seen = [], set()
    for event in db.session.scalars(select(Event).where(
            Event.workshop_id == room["workshop"].id).order_by(Event.seq)):
        sent = eventlog.wire(event)
        seen.add(sent["type"])
        wrong = _mismatch(sent["data"], views.EVENT_DATA[sent["type"]])
        if wrong:
            found.append(f"event {sent['seq']} {sent['type']} ({event.audience}): {wrong}")
    for who, audience, sent in snapshots:
        shape = views.SNAPSHOTS[audience]
        wrong = _mismatch(sent, shape)
        if wrong:
            found.append(f"{who} ({shape.__name__}): {wrong}")
    return found, seen


@pytest.fixture
def toured(room_at):
    """The sample seminar, closed, then toured; and the snapshots taken on the way."""
    room = room_at("closed")
    taken = _snapshots(room)
    taken += _tour(room)
    db.session.commit()
    return room, taken + _snapshots(room)


def test_every_event_and_snapshot_has_the_shape_its_class_declares(toured):
    room, snapshots = toured
    found, seen = problems(room, snapshots)
    assert not found, "views differ from facilitator/live/views.py:\n" + "\n".join(found)
    assert seen == set(events.EVENTS), f"never sent: {sorted(set(events.EVENTS) - seen)}"
    assert {who.split("'s")[0] for who, _audience, _sent in snapshots} >= {
        "console", "projector", "Rania", "a committee member", "an organiser"}


def test_a_page_of_the_wall_has_each_audience_s_cards(toured):
    room, _taken = toured
    for viewer, cards in ((room["console"], list[views.StaffCard]),
                          (room["projector"], list[views.Card]),
                          (phone_of(room["rania"].participant_id), list[views.PhoneCard])):
        page = _wire(ideas.read_page(viewer)["cards"])
        assert page and _mismatch(page, cards) is None, (viewer, _mismatch(page, cards))


def test_every_event_type_has_a_class_and_every_class_its_docstring():
    assert set(views.EVENT_DATA) == set(events.EVENTS)
    assert set(views.SNAPSHOTS) == {"staff", "projector", "phone"}
    for shape in views.ITEMS:
        assert shape.__doc__ and shape.__struct_config__.forbid_unknown_fields, shape


def test_a_view_function_changed_without_its_class_fails(room_at, monkeypatch):
    theme_view = priorities.theme_view
    monkeypatch.setattr(priorities, "theme_view",
                        lambda theme: {**theme_view(theme), "colour": "red"})
    room = room_at("closed")
    _tour(room)
    db.session.commit()
    found, _seen = problems(room, _snapshots(room))
    assert any("theme.created" in line and "unknown field `colour`" in line
               for line in found), found
    assert any("snapshot" in line and "colour" in line for line in found), found
    # and a key gone, a type changed
    card = {"id": 1, "text": "A card", "kind": "idea", "origin": "", "merged_texts": [],
            "theme_id": None, "hidden": False, "created_at": "2026-03-14T09:30:00Z",
            "updated_at": "2026-03-14T09:30:00.250000Z"}
    assert _mismatch({"idea": card}, views.IdeaData) is None
    assert "missing required field `hidden`" in _mismatch(
        {"idea": {k: v for k, v in card.items() if k != "hidden"}}, views.IdeaData)
    assert "Expected `int | null`" in _mismatch({"idea": {**card, "theme_id": "3"}},
                                                views.IdeaData)
    assert "Invalid enum value" in _mismatch({"idea": {**card, "kind": "wish"}},
                                             views.IdeaData)
    assert "Expected `str` matching regex" in _mismatch(
        {"idea": {**card, "created_at": "14/03/2026"}}, views.IdeaData)
