"""Step 4 and the closing in-process: synergies proposed from phones, shared actions built
from a synergy, immediate measures, and a closed workshop that phones can no longer
change while the facilitators' corrections are recorded."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator.errors import OperationError
from facilitator.extensions import db
from facilitator.live import operations
from facilitator.models import Action, ClosingRecord, SharedAction, Workshop
from facilitator.snapshot import snapshot
from tests.steps import do, last_seq, seen_by, walk_to


def actions_of(room) -> dict[str, Action]:
    """The groups' actions by title."""
    return {a.title: a for a in db.session.scalars(select(Action).where(
        Action.workshop_id == room["workshop"].id))}


def test_a_phone_proposes_a_synergy_that_only_the_facilitators_decide(room_at):
    room = room_at("actions")  # the groups' boards done, entering Step 4
    g1, g2, g3 = (g.id for g in room["groups"])
    early = do(room["rania"], "synergy.propose", text="Same survey", group_ids=[g1, g3])
    assert early["error"]["code"] == "wrong_stage"
    walk_to(room, "synergies")
    before = last_seq(room)
    assert do(room["rania"], "synergy.propose", text="One survey", group_ids=[g1])[
        "error"]["code"] == "bad_request"  # one group is no synergy
    assert do(room["rania"], "synergy.propose", text="  ", group_ids=[g1, g3])[
        "error"]["code"] == "empty_text"
    ack = do(room["rania"], "synergy.propose", text="Both need the consulates' lists",
             group_ids=[g2, g3])
    assert ack["ok"] and ack["proposal"]["status"] == "pending"
    proposal = ack["proposal"]
    # the console has it at the top of its decisions; the projector and other phones not
    assert snapshot(room["console"])["synergies"]["proposals"] == [proposal]
    for viewer in (room["projector"], room["karim"]):
        assert "consulates' lists" not in str(seen_by(viewer, before))
        assert "consulates' lists" not in str(snapshot(viewer)["synergies"])
    assert snapshot(room["rania"])["synergies"]["my_proposals"] == [proposal]
    assert do(room["karim"], "synergy.dismiss", proposal_id=proposal["id"])[
        "error"]["code"] == "forbidden"

    network = actions_of(room)["Open the online matchmaking network"]
    registers = actions_of(room)["Build one database from the consulates' registers"]
    accepted = do(room["console"], "synergy.decide", title="The network uses the registers",
                  entries=[{"kind": "action", "id": network.id},
                           {"kind": "action", "id": registers.id}],
                  proposal_id=proposal["id"])
    assert accepted["ok"] and accepted["proposal"]["status"] == "accepted"
    assert accepted["proposal"]["synergy_id"] == accepted["synergy"]["id"]
    told = [data for kind, data in seen_by(room["rania"], before) if kind == "proposal.saved"]
    assert told[-1]["proposal"]["status"] == "accepted"
    again = do(room["console"], "synergy.dismiss", proposal_id=proposal["id"])
    assert again["error"]["code"] == "already_decided"


def test_a_shared_action_built_from_a_synergy_links_the_actions_it_absorbs(room_at):
    room = room_at("actions")  # the groups' boards done, entering Step 4
    walk_to(room, "synergies")
    suggestion = next(s for s in do_query(room) if s["kind"] == "shared_actor"
                      and "CCIA-BML" in s["evidence"]["names"])
    synergy = do(room["console"], "synergy.decide", entries=suggestion["entries"],
                 title="The chamber, in every group")["synergy"]
    platform = actions_of(room)["Launch the coordination platform hosted by the chamber"]
    desk = actions_of(room)["Open a one-stop desk for diaspora investors at IDAL"]
    walk_to(room, "shared_plan")
    before = last_seq(room)
    refused = do(room["console"], "shared_action.add", title="Platform",
                 deadline="2015-01-01", synergy_id=synergy["id"])
    assert refused["error"]["code"] == "bad_date"  # before the workshop's date
    assert db.session.query(SharedAction).count() == 0  # nothing half-saved
    ack = do(room["console"], "shared_action.add",
             title="One coordination platform hosted by the chamber",
             lead="CCIA-BML", partners="IDAL, Zoomal، LIBC", deadline="2015-11-30",
             expected_result="Every actor meeting monthly", synergy_id=synergy["id"],
             action_ids=[platform.id, desk.id])
    assert ack["ok"], ack
    shared = ack["shared_action"]
    themes = {g.theme_id for g in room["groups"]}
    assert set(shared["theme_ids"]) == themes  # the synergy's three priorities
    assert shared["partners"] == ["IDAL", "Zoomal", "LIBC"]
    assert shared["action_ids"] == [platform.id, desk.id]
    # linked, not copied: the group's own action is unchanged and still on its board
    assert db.session.get(Action, platform.id).title.startswith("Launch the coordination")
    # everyone sees it form, the projector included
    assert any(kind == "shared_action.saved" for kind, _ in seen_by(room["projector"], before))
    assert snapshot(room["karim"])["shared_plan"]["actions"] == [shared]

    edited = do(room["console"], "shared_action.edit", shared_action_id=shared["id"],
                version=shared["version"], deadline="2015-12-15")
    assert edited["shared_action"]["deadline"] == "2015-12-15"
    assert edited["shared_action"]["title"] == shared["title"]  # left out: unchanged
    stale = do(room["console"], "shared_action.edit", shared_action_id=shared["id"],
               version=shared["version"], title="Overwrite")
    assert stale["error"]["code"] == "stale_version"
    assert stale["error"]["details"]["current"]["deadline"] == "2015-12-15"
    assert do(room["rania"], "shared_action.add", title="Mine")["error"]["code"] == "forbidden"

    # undoing the synergy keeps the shared action, unlinked, and every client is told
    before = last_seq(room)
    assert do(room["console"], "synergy.remove", synergy_id=synergy["id"])["ok"]
    told = [d["shared_action"] for kind, d in seen_by(room["karim"], before)
            if kind == "shared_action.saved"]
    assert told and told[-1]["synergy_id"] is None and told[-1]["theme_ids"]
    # and a link can be taken away in an edit with 0
    other = do(room["console"], "synergy.decide", entries=suggestion["entries"],
               title="The chamber again")["synergy"]
    linked = do(room["console"], "shared_action.edit", shared_action_id=shared["id"],
                synergy_id=other["id"])["shared_action"]
    assert linked["synergy_id"] == other["id"]
    assert do(room["console"], "shared_action.edit", shared_action_id=shared["id"],
              synergy_id=0)["shared_action"]["synergy_id"] is None
    assert do(room["console"], "shared_action.edit", shared_action_id=shared["id"],
              synergy_id=False)["error"]["code"] == "not_found"


def do_query(room):
    from facilitator.live import operations

    return operations.query(room["console"], "synergies.suggest")["suggestions"]


def test_immediate_measures_need_an_owner_and_a_due_date(room_at):
    room = room_at("actions")  # the groups' boards done, entering Step 4
    walk_to(room, "closing")
    assert do(room["console"], "measure.add", text="Send the plan", owner="",
              due="2015-10-27")["error"]["code"] == "empty_owner"
    assert do(room["console"], "measure.add", text="Send the plan", owner="IDAL",
              due="")["error"]["code"] == "bad_date"
    assert do(room["console"], "measure.add", text="Send the plan", owner="IDAL",
              due="27/10/2015")["error"]["code"] == "bad_date"
    late = do(room["console"], "measure.add", text="Name a coordinator", owner="CCIA-BML",
              due="2015-11-15")["measure"]
    soon = do(room["console"], "measure.add", text="Send the plan", owner="IDAL",
              due="2015-10-27")["measure"]
    # listed by due date, for everyone
    assert [m["id"] for m in snapshot(room["projector"])["shared_plan"]["measures"]] == [
        soon["id"], late["id"]]
    assert do(room["console"], "measure.remove", measure_id=late["id"])["ok"]


def test_a_closed_workshop_refuses_every_phone_and_records_corrections(room_at):
    room = room_at("actions")  # the groups' boards done, entering Step 4
    walk_to(room, "closing")
    factor = do(room["rania"], "factor.propose", text="A coordinator for two years")
    assert factor["ok"]
    assert do(room["karim"], "committee.join", role="Link with IDAL",
              email="karim@example.org", consent=True)["ok"]
    assert do(room["karim"], "workshop.close")["error"]["code"] == "forbidden"
    before = last_seq(room)
    closed = do(room["console"], "workshop.close")
    assert closed["ok"] and closed["closed_at"]
    assert any(kind == "workshop.closed" for kind, _ in seen_by(room["rania"], before))
    assert snapshot(room["rania"])["workshop"]["closed_at"] == closed["closed_at"]

    group = room["groups"][0]
    for viewer, name, fields in [
            (room["rania"], "factor.propose", {"text": "Late"}),
            (room["karim"], "factor.endorse", {"factor_id": factor["factor"]["id"]}),
            (room["rania"], "committee.join", {"role": "r", "email": "r@example.org",
                                               "consent": True}),
            (room["rania"], "objective.add", {"text": "Late", "group_id": group.id}),
            (room["rania"], "idea.post", {"text": "Late idea"}),
            (room["console"], "stage.change", {"from_stage": "closing",
                                               "to_stage": "shared_plan"}),
            (room["console"], "shared_action.add", {"title": "Late"})]:
        ack = do(viewer, name, **fields)
        assert ack["error"]["code"] == "workshop_closed", (name, ack)
        assert ack["error"]["message"]

    # a facilitator corrects a typo: applied and recorded with who, what and when
    action = actions_of(room)["Run a campaign of ten success stories abroad"]
    fixed = do(room["console"], "action.edit", action_id=action.id,
               title="Run a campaign of ten success stories abroad (five countries)")
    assert fixed["ok"], fixed
    records = snapshot(room["console"])["closing"]["records"]
    assert [r["kind"] for r in records] == ["closed", "correction"]
    assert records[1]["operation"] == "action.edit"
    assert records[1]["fields"] == {
        "action_id": action.id,
        "title": "Run a campaign of ten success stories abroad (five countries)"}
    assert records[1]["actor"] == room["console"].actor
    # consent can be withdrawn at any time: leaving the committee goes through, recorded
    assert do(room["karim"], "committee.leave")["ok"]
    assert snapshot(room["console"])["closing"]["committee"] == []
    records = snapshot(room["console"])["closing"]["records"]
    assert [r["kind"] for r in records] == ["closed", "correction", "withdrawal"]
    assert "records" not in snapshot(room["projector"])["closing"]
    assert "records" not in snapshot(room["rania"])["closing"]

    assert do(room["console"], "workshop.reopen")["ok"]
    assert do(room["rania"], "factor.propose", text="After reopening")["ok"]
    kinds = db.session.scalars(select(ClosingRecord.kind).order_by(ClosingRecord.id)).all()
    assert kinds == ["closed", "correction", "withdrawal", "reopened"]


def test_a_synergy_rejected_after_being_accepted_leaves_the_room_and_its_shared_actions(room_at):
    room = room_at("actions")  # the groups' boards done, entering Step 4
    walk_to(room, "synergies")
    g2, g3 = room["groups"][1].id, room["groups"][2].id
    proposal = do(room["rania"], "synergy.propose", text="Registers feed the network",
                  group_ids=[g2, g3])["proposal"]
    network = actions_of(room)["Open the online matchmaking network"]
    registers = actions_of(room)["Build one database from the consulates' registers"]
    entries = [{"kind": "action", "id": network.id}, {"kind": "action", "id": registers.id}]
    synergy = do(room["console"], "synergy.decide", entries=entries, title="Registers",
                 proposal_id=proposal["id"])["synergy"]
    shared = do(room["console"], "shared_action.add", title="A network from the registers",
                synergy_id=synergy["id"])["shared_action"]
    before = last_seq(room)
    assert do(room["console"], "synergy.decide", entries=entries, status="rejected")["ok"]
    seen = seen_by(room["karim"], before)
    assert ("synergy.removed", {"id": synergy["id"]}) in seen
    unlinked = [d["shared_action"] for kind, d in seen if kind == "shared_action.saved"]
    assert unlinked[-1]["id"] == shared["id"] and unlinked[-1]["synergy_id"] is None
    assert snapshot(room["karim"])["synergies"]["list"] == []
    assert snapshot(room["console"])["synergies"]["list"][0]["status"] == "rejected"
    # the proposal it answered waits again; its author is told once, the console once
    mine = [d for kind, d in seen_by(room["rania"], before) if kind == "proposal.saved"]
    assert [d["proposal"]["status"] for d in mine] == ["pending"]
    console = [d for kind, d in seen_by(room["console"], before) if kind == "proposal.saved"]
    assert len(console) == 1
    # answering a proposal is accepting; anything sent wrongly is refused, not guessed
    assert do(room["console"], "synergy.decide", entries=entries, status="rejected",
              proposal_id=proposal["id"])["error"]["code"] == "bad_request"
    assert do(room["console"], "synergy.decide", entries=entries, title="x",
              kind=["shared_actor"])["error"]["code"] == "bad_request"
    assert do(room["console"], "shared_action.edit", shared_action_id=shared["id"],
              version="1", title="y")["error"]["code"] == "bad_request"


def test_closing_twice_says_so_and_the_settings_are_frozen(room_at):
    room = room_at("actions")  # the groups' boards done, entering Step 4
    walk_to(room, "closing")
    assert do(room["console"], "workshop.close")["ok"]
    assert do(room["console"], "workshop.close")["error"]["code"] == "already_closed"
    with pytest.raises(OperationError) as refused:
        operations.submit(room["console"], "workshop.update", settings={"title": "Renamed"})
    assert refused.value.code == "workshop_closed"
    assert db.session.get(Workshop, room["workshop"].id, populate_existing=True).title \
        != "Renamed"
    # refusals leave no record: only the close is there
    assert [r["kind"] for r in snapshot(room["console"])["closing"]["records"]] == ["closed"]


def test_leaving_the_committee_is_possible_at_any_stage(room_at):
    room = room_at("actions")  # the groups' boards done, entering Step 4
    walk_to(room, "closing")
    assert do(room["rania"], "committee.join", role="r", email="rania@example.org",
              consent=True)["ok"]
    walk_to(room, "shared_plan")
    assert do(room["rania"], "committee.leave")["ok"]
