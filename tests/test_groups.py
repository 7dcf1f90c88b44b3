"""Step 3 in-process: groups formed from the priorities, a balanced assignment, boards
that only their members change, actors recognised under another spelling, deadlines,
edits that replace someone else's text, syntheses by the rapporteur."""
from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from facilitator import accounts, groups, operations, participants, workshops
from facilitator.extensions import db
from facilitator.models import Participant, WorkingGroup, Workshop
from facilitator.sample import create_sample
from facilitator.snapshot import snapshot
from tests.steps import do, seen_by


@pytest.fixture
def room(app):
    """The sample seminar with its three priorities, entering Step 3 (a request context
    stays open: snapshots build join URLs from the request's host)."""
    with app.test_request_context():
        workshop = create_sample("owner3@example.org", "owner-password", until="confirm")
        console = workshops.viewer_for(workshop, accounts.find("owner3@example.org"))
        assert do(console, "stage.change", from_stage="confirm", to_stage="objectives")["ok"]
        people = db.session.scalars(db.select(Participant).where(
            Participant.workshop_id == workshop.id).order_by(Participant.id)).all()
        yield {"workshop": workshop, "console": console, "people": people}


def phone(person):
    return participants.viewer_for(db.session.get(Participant, person.id))


def assign_all(room) -> list[dict]:
    proposal = operations.query(room["console"], "groups.propose")
    assert proposal["ok"], proposal
    ack = do(room["console"], "groups.assign", assignments=proposal["assignments"])
    assert ack["ok"], ack
    return proposal["assignments"]


def test_entering_step_3_forms_one_group_per_priority(room):
    formed = groups.groups_of(room["workshop"].id)
    assert [g.theme.confirmed_rank for g in formed] == [1, 2, 3]
    state = snapshot(room["console"])["groups"]
    assert [g["title"] for g in state["list"]] == [g.theme.title for g in formed]
    # moving forward and back does not make them again
    do(room["console"], "stage.change", from_stage="objectives", to_stage="confirm")
    do(room["console"], "stage.change", from_stage="confirm", to_stage="objectives")
    assert db.session.query(WorkingGroup).count() == 3


def test_the_balanced_assignment_applies_and_moves_people(room):
    assignments = assign_all(room)
    sizes = Counter(row["group_id"] for row in assignments)
    assert max(sizes.values()) - min(sizes.values()) <= 1 and sum(sizes.values()) == 25
    person = room["people"][0]
    viewer = phone(person)
    assert viewer.group_id is not None
    other = next(g.id for g in groups.groups_of(room["workshop"].id) if g.id != viewer.group_id)
    before = db.session.get(Workshop, room["workshop"].id).last_seq
    assert do(room["console"], "group.move", participant_id=person.id, group_id=other)["ok"]
    assert phone(person).group_id == other
    moves = [d for t, d in seen_by(phone(room["people"][1]), before) if t == "participants.grouped"]
    assert moves and moves[0]["moves"][0]["group_id"] == other


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCDE"), st.sampled_from(["x", "y", "z", ""])),
                min_size=0, max_size=60),
       st.integers(min_value=1, max_value=6))
def test_a_balanced_assignment_spreads_profiles_and_keeps_sizes_even(people, group_count):
    """Property: over random rooms, sizes differ by one at most, and so do the numbers
    of each profile in each group."""
    room = [SimpleNamespace(id=i + 1, profile=p, organisation=o)
            for i, (p, o) in enumerate(people)]
    working = [SimpleNamespace(id=100 + g) for g in range(group_count)]
    placed = groups.balanced(room, working)
    assert set(placed) == {p.id for p in room}
    sizes = Counter({g.id: 0 for g in working})
    sizes.update(placed.values())
    assert max(sizes.values()) - min(sizes.values()) <= 1
    for profile in set(p.profile for p in room):
        counts = Counter({g.id: 0 for g in working})
        counts.update(placed[p.id] for p in room if p.profile == profile)
        assert max(counts.values()) - min(counts.values()) <= 1, (profile, counts)


def test_members_write_their_own_board_and_only_read_others(room):
    assign_all(room)
    member = phone(room["people"][0])
    outsider = next(phone(p) for p in room["people"] if phone(p).group_id != member.group_id)
    ack = do(member, "objective.add", text="Double diaspora investment in five years")
    assert ack["ok"] and ack["objective"]["group_id"] == member.group_id
    objective = ack["objective"]
    refused = do(outsider, "objective.edit", objective_id=objective["id"], text="Hijacked")
    assert refused["error"]["code"] == "not_your_group"
    refused = do(outsider, "objective.add", text="Into their board", group_id=member.group_id)
    assert refused["error"]["code"] == "not_your_group"
    read = operations.query(outsider, "group.board", group_id=member.group_id)
    assert read["ok"] and read["board"]["objectives"][0]["text"].startswith("Double")
    # the outsider's phone snapshot carries only its own board
    assert list(snapshot(outsider)["groups"]["boards"]) in ([], [str(outsider.group_id)])
    # actors are not open yet for members
    assert do(member, "actor.add", name="IDAL")["error"]["code"] == "wrong_stage"


def test_an_actor_under_another_spelling_is_offered_and_the_member_decides(room):
    assign_all(room)
    do(room["console"], "stage.change", from_stage="objectives", to_stage="actors")
    member = phone(room["people"][0])
    first = do(member, "actor.add", name="Investment Development Authority of Lebanon",
               kind="public", role="Hosts the one-stop desk")
    assert first["ok"]
    similar = do(member, "actor.add", name="IDAL", kind="public")
    assert similar["error"]["code"] == "similar_actor"
    assert similar["error"]["details"]["actor"]["id"] == first["actor"]["id"]
    assert "Investment Development Authority" in similar["error"]["message"]
    anyway = do(member, "actor.add", name="IDAL", kind="public", distinct=True)
    assert anyway["ok"]
    assert do(member, "actor.add", name="Zoomal", kind="spaceship")["error"]["code"] == "bad_kind"


def test_actions_check_their_objectives_actors_and_deadline(room):
    assign_all(room)
    member = phone(room["people"][0])
    objective = do(member, "objective.add", text="A one-stop desk")["objective"]
    do(room["console"], "stage.change", from_stage="objectives", to_stage="actors")
    lead = do(member, "actor.add", name="CCIA-BML", kind="chamber")["actor"]
    partner = do(member, "actor.add", name="Zoomal", kind="private")["actor"]
    do(room["console"], "stage.change", from_stage="actors", to_stage="actions")
    too_early = do(member, "action.add", title="Open the desk", deadline="2001-01-01")
    assert too_early["error"]["code"] == "bad_date" and "2015" in too_early["error"]["message"]
    wrong = do(member, "action.add", title="Open the desk", lead_actor_id=999999)
    assert wrong["error"]["code"] == "not_found"
    ack = do(member, "action.add", title="Open the desk", objective_ids=[objective["id"]],
             lead_actor_id=lead["id"], partner_ids=[partner["id"], lead["id"]],
             deadline="2015-12-31", expected_result="200 investors served",
             resources="Two staff")
    assert ack["ok"], ack
    action = ack["action"]
    assert action["partner_ids"] == [partner["id"]] and action["deadline"] == "2015-12-31"
    in_use = do(member, "actor.remove", actor_id=lead["id"])
    assert in_use["error"]["code"] == "in_use"
    # a text or a list where the other belongs is refused, nothing half-saved
    assert do(member, "action.edit", action_id=action["id"], title=["x"])["error"]["code"] \
        == "bad_request"
    assert snapshot(member)["groups"]["boards"][str(member.group_id)]["actions"][0]["title"] \
        == "Open the desk"


def test_an_edit_that_replaces_someone_else_s_tells_them(room):
    assign_all(room)
    first = phone(room["people"][0])
    second = next(phone(p) for p in room["people"][1:] if phone(p).group_id == first.group_id)
    entry = do(first, "objective.add", text="Attract investment")["objective"]
    mine = do(first, "objective.edit", objective_id=entry["id"], text="Attract diaspora "
              "investment", version=entry["version"])
    assert mine["ok"] and "replaced" not in mine
    before = db.session.get(Workshop, room["workshop"].id).last_seq
    theirs = do(second, "objective.edit", objective_id=entry["id"], text="Attract more "
                "investment", version=entry["version"])  # based on the first version
    assert theirs["ok"] and theirs["replaced"]["by"] == room["people"][0].name
    told = [d for t, d in seen_by(first, before) if t == "entry.overwritten"]
    assert told and told[0]["previous"]["text"] == "Attract diaspora investment"


def test_the_rapporteur_writes_the_synthesis_for_the_room(room):
    assign_all(room)
    member = phone(room["people"][0])
    assert do(member, "synthesis.write", group_id=member.group_id, substep="objectives",
              text="We aim high")["error"]["code"] == "forbidden"
    assert do(member, "group.rapporteur", group_id=member.group_id,
              participant_id=member.participant_id)["ok"]
    entry = do(member, "objective.add", text="Map the diaspora")["objective"]
    do(room["console"], "stage.change", from_stage="objectives",
       to_stage="objectives_synthesis")
    ack = do(member, "synthesis.write", group_id=member.group_id, substep="objectives",
             text="Three objectives, one about data")
    assert ack["ok"]
    assert do(member, "entry.highlight", entry="objective", entry_id=entry["id"])["ok"]
    projector = snapshot(workshops.Viewer(kind="projector", workshop_id=room["workshop"].id))
    assert projector["groups"]["syntheses"][0]["text"] == "Three objectives, one about data"
    board = projector["groups"]["boards"][str(member.group_id)]
    assert board["objectives"][0]["highlighted"] is True


def test_a_latecomer_gets_a_group_once_groups_are_assigned(room):
    assign_all(room)
    workshop = room["workshop"]
    late, _token = operations.run(participants.join, workshop, "nonce-late-0000000000",
                                  "Late Comer", "", workshop.profiles[0], True)
    assert late.group_id is not None


def test_changing_priorities_after_entries_warns_and_keeps_them(room):
    assign_all(room)
    member = phone(room["people"][0])
    do(member, "objective.add", text="Kept whatever happens")
    do(room["console"], "stage.change", from_stage="objectives", to_stage="confirm")
    themes = snapshot(room["console"])["priorities"]["themes"]
    current = [t["id"] for t in themes if t["confirmed_rank"]]
    other = next(t["id"] for t in themes if not t["confirmed_rank"])
    ack = do(room["console"], "priorities.confirm", theme_ids=[*current[:2], other])
    assert ack["ok"] and "Nothing is deleted" in ack["warning"]
    do(room["console"], "stage.change", from_stage="confirm", to_stage="objectives")
    state = snapshot(room["console"])["groups"]
    assert len(state["list"]) == 4 and sum(g["retired"] for g in state["list"]) == 1
    kept = sum(len(b["objectives"]) for b in state["boards"].values())
    assert kept == 1


def test_a_group_screen_shows_one_group_for_staff_only(app, room):
    from tests.test_workshops import login

    group = groups.groups_of(room["workshop"].id)[1]
    stranger = app.test_client()  # first: the room's app context keeps the signed-in user
    assert stranger.get(f"/workshops/{room['workshop'].id}/groups/{group.id}/screen"
                        ).status_code in (302, 401)
    staff = app.test_client()
    login(staff, "owner3@example.org", "owner-password")
    page = staff.get(f"/workshops/{room['workshop'].id}/groups/{group.id}/screen")
    assert page.status_code == 200
    assert f'"group_screen": {group.id}' in page.get_data(as_text=True)
    assert staff.get(f"/workshops/{room['workshop'].id}/groups/999999/screen").status_code == 404


def test_synergies_are_suggested_to_staff_with_their_reasons(room):
    assign_all(room)
    do(room["console"], "stage.change", from_stage="objectives", to_stage="actors")
    members = {}
    for person in room["people"]:
        members.setdefault(phone(person).group_id, phone(person))
    first, second = list(members.values())[:2]
    do(first, "actor.add", name="Investment Development Authority of Lebanon", kind="public")
    do(second, "actor.add", name="IDAL", kind="public")
    ack = operations.query(room["console"], "synergies.suggest")
    assert ack["ok"]
    shared = [s for s in ack["suggestions"] if s["kind"] == "shared_actor"]
    assert len(shared) == 1 and set(shared[0]["group_ids"]) == {first.group_id, second.group_id}
    assert "IDAL" in str(shared[0]["evidence"]["names"]) and "groups" in shared[0]["because"]
    assert operations.query(first, "synergies.suggest")["error"]["code"] == "forbidden"


def test_the_facilitator_accepts_and_rejects_synergies(room):
    assign_all(room)
    do(room["console"], "stage.change", from_stage="objectives", to_stage="actors")
    members = {}
    for person in room["people"]:
        members.setdefault(phone(person).group_id, phone(person))
    first, second, third = list(members.values())[:3]
    do(first, "actor.add", name="Investment Development Authority of Lebanon", kind="public")
    do(second, "actor.add", name="IDAL", kind="public")
    do(first, "actor.add", name="Zoomal", kind="private")
    do(third, "actor.add", name="zoomal", kind="private")
    suggested = operations.query(room["console"], "synergies.suggest")["suggestions"]
    idal = next(s for s in suggested if "IDAL" in s["evidence"]["names"])
    zoomal = next(s for s in suggested if "Zoomal" in s["evidence"]["names"])
    accepted = do(room["console"], "synergy.decide", entries=idal["entries"], status="accepted",
                  title="IDAL hosts the one-stop desk for both groups", kind=idal["kind"])
    assert accepted["ok"], accepted
    rejected = do(room["console"], "synergy.decide", entries=zoomal["entries"],
                  status="rejected")
    assert rejected["ok"], rejected
    left = operations.query(room["console"], "synergies.suggest")["suggestions"]
    assert not [s for s in left if s["kind"] == "shared_actor"]  # decided: not offered again
    assert [s["title"] for s in snapshot(first)["synergies"]["list"]] == [
        "IDAL hosts the one-stop desk for both groups"]
    assert len(snapshot(room["console"])["synergies"]["list"]) == 2
    # bad input: one group only, no title, a phone
    one_group = [e for e in idal["entries"] if e["group_id"] == first.group_id]
    assert do(room["console"], "synergy.decide", entries=one_group + one_group,
              title="x")["error"]["code"] == "bad_request"
    assert do(room["console"], "synergy.decide", entries=idal["entries"],
              title="")["error"]["code"] == "empty_title"
    assert do(first, "synergy.decide", entries=idal["entries"],
              title="Mine")["error"]["code"] == "forbidden"
    removed = do(room["console"], "synergy.remove", synergy_id=accepted["synergy"]["id"])
    assert removed["ok"] and snapshot(first)["synergies"]["list"] == []
