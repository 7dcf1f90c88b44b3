"""Step 3 in-process: groups formed from the priorities and filled on entering Step 3
(balanced, or chosen on the phones), boards that only their members change, actors
recognised under another spelling, deadlines, edits that replace someone else's text,
rapporteurs (volunteered, handed over, named by the facilitator) and their syntheses."""
from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from hypothesis import given, settings, strategies as st

from facilitator import workshops
from facilitator.extensions import db
from facilitator.live import operations
from facilitator.models import Action, Participant, WorkingGroup, Workshop
from facilitator.sample import join
from facilitator.snapshot import snapshot
from facilitator.steps import groups
from tests.steps import SAMPLE_OWNER, do, phone_of, seen_by
from tests.support import login


def assign_all(room) -> list[dict]:
    proposal = operations.query(room["console"], "groups.propose")
    assert proposal["ok"], proposal
    ack = do(room["console"], "groups.assign", assignments=proposal["assignments"])
    assert ack["ok"], ack
    return proposal["assignments"]


def test_entering_step_3_forms_one_group_per_priority(room_at):
    room = room_at("confirm", then="objectives")
    formed = groups.groups_of(room["workshop"].id)
    assert [g.theme.confirmed_rank for g in formed] == [1, 2, 3]
    state = snapshot(room["console"])["groups"]
    assert [g["title"] for g in state["list"]] == [g.theme.title for g in formed]
    # moving forward and back does not make them again
    do(room["console"], "stage.change", from_stage="objectives", to_stage="confirm")
    do(room["console"], "stage.change", from_stage="confirm", to_stage="objectives")
    assert db.session.query(WorkingGroup).count() == 3


def test_entering_step_3_places_everyone_in_balanced_groups(room_at):
    confirmed = room_at("confirm")
    workshop, console = confirmed["workshop"], confirmed["console"]
    person = confirmed["people"][0]
    before = db.session.get(Workshop, workshop.id).last_seq
    assert phone_of(person).group_id is None
    assert do(console, "stage.change", from_stage="confirm", to_stage="objectives")["ok"]
    # what a phone receives, in order: the stage, the groups, everyone's move
    seen = seen_by(phone_of(person), before)
    assert [t for t, _d in seen] == ["stage.changed", "groups.formed", "participants.grouped"]
    moves = seen[2][1]["moves"]
    assert len(moves) == 25 and all(m["previous_group_id"] is None for m in moves)
    people = db.session.scalars(db.select(Participant).where(
        Participant.workshop_id == workshop.id)).all()
    sizes = Counter(p.group_id for p in people)
    assert None not in sizes and len(sizes) == 3
    assert max(sizes.values()) - min(sizes.values()) <= 1
    for profile in {p.profile for p in people}:  # each profile spread over the groups
        counts = Counter({gid: 0 for gid in sizes})
        counts.update(p.group_id for p in people if p.profile == profile)
        assert max(counts.values()) - min(counts.values()) <= 1, profile
    # the phone's snapshot names its group and carries its board
    mine = snapshot(phone_of(person))["groups"]
    assert mine["my_group_id"] == phone_of(person).group_id
    assert list(mine["boards"]) in ([], [str(mine["my_group_id"])])
    # the balanced proposal is what was applied: applying it again moves nobody
    proposal = operations.query(console, "groups.propose")["assignments"]
    assert do(console, "groups.assign", assignments=proposal)["moves"] == []
    # the facilitator moves someone; leaving and entering Step 3 again reshuffles nobody
    other = next(g.id for g in groups.groups_of(workshop.id) if g.id != phone_of(person).group_id)
    assert do(console, "group.move", participant_id=person.id, group_id=other)["ok"]
    do(console, "stage.change", from_stage="objectives", to_stage="confirm")
    do(console, "stage.change", from_stage="confirm", to_stage="objectives")
    assert phone_of(person).group_id == other


def test_in_the_choose_mode_the_phones_choose_on_entering_step_3(room_at):
    confirmed = room_at("confirm")
    workshop, console = confirmed["workshop"], confirmed["console"]
    # chosen while confirming the priorities, before any group exists
    assert do(console, "groups.settings", mode="choose", cap=9)["ok"]
    before = db.session.get(Workshop, workshop.id).last_seq
    assert do(console, "stage.change", from_stage="confirm", to_stage="objectives")["ok"]
    first, second = (phone_of(p) for p in confirmed["people"][:2])
    seen = seen_by(first, before)
    assert [t for t, _d in seen] == ["stage.changed", "groups.formed"]
    assert seen[1][1]["settings"] == {"mode": "choose", "cap": 9, "spotlight_group_id": None}
    assert first.group_id is None and snapshot(first)["groups"]["my_group_id"] is None
    chosen = groups.groups_of(workshop.id)[1].id
    assert do(first, "group.join", group_id=chosen)["moves"][0]["group_id"] == chosen
    # a latecomer is not placed: they choose too
    late, _token = join(workshop, "nonce-late-choose-0000", "Late Chooser", "",
                        workshop.profiles[0])
    assert late.group_id is None
    # back to balanced: whoever is in no group is placed, whoever chose stays
    ack = do(console, "groups.settings", mode="balanced")
    assert ack["ok"] and ack["mode"] == "balanced"
    assert phone_of(confirmed["people"][0]).group_id == chosen
    assert phone_of(confirmed["people"][1]).group_id is not None
    assert db.session.scalar(db.select(db.func.count(Participant.id)).where(
        Participant.workshop_id == workshop.id, Participant.group_id.is_(None))) == 0
    assert do(second, "group.join", group_id=chosen)["error"]["code"] == "not_choosing"


def test_the_balanced_assignment_applies_and_moves_people(room_at):
    room = room_at("confirm", then="objectives")
    assignments = assign_all(room)
    sizes = Counter(row["group_id"] for row in assignments)
    assert max(sizes.values()) - min(sizes.values()) <= 1 and sum(sizes.values()) == 25
    person = room["people"][0]
    viewer = phone_of(person)
    assert viewer.group_id is not None
    other = next(g.id for g in groups.groups_of(room["workshop"].id) if g.id != viewer.group_id)
    before = db.session.get(Workshop, room["workshop"].id).last_seq
    assert do(room["console"], "group.move", participant_id=person.id, group_id=other)["ok"]
    assert phone_of(person).group_id == other
    moves = [d for t, d in seen_by(phone_of(room["people"][1]), before)
             if t == "participants.grouped"]
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


def test_members_write_their_own_board_and_only_read_others(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    member = phone_of(room["people"][0])
    outsider = next(phone_of(p) for p in room["people"] if phone_of(p).group_id != member.group_id)
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


def test_an_actor_under_another_spelling_is_offered_and_the_member_decides(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    do(room["console"], "stage.change", from_stage="objectives", to_stage="actors")
    member = phone_of(room["people"][0])
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


def test_actions_check_their_objectives_actors_and_deadline(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    member = phone_of(room["people"][0])
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
    # an edit of the partners alone, the lead among them: the lead is still no partner
    edited = do(member, "action.edit", action_id=action["id"],
                partner_ids=[lead["id"], partner["id"]])
    assert edited["action"]["partner_ids"] == [partner["id"]]
    assert db.session.get(Action, action["id"]).partner_ids == [partner["id"]]
    # a new lead that was a partner stops being one
    edited = do(member, "action.edit", action_id=action["id"], lead_actor_id=partner["id"])
    assert edited["action"]["lead_actor_id"] == partner["id"]
    assert edited["action"]["partner_ids"] == []
    edited = do(member, "action.edit", action_id=action["id"], lead_actor_id=lead["id"],
                partner_ids=[partner["id"]])
    assert edited["action"]["partner_ids"] == [partner["id"]]
    in_use = do(member, "actor.remove", actor_id=lead["id"])
    assert in_use["error"]["code"] == "in_use"
    # a text or a list where the other belongs is refused, nothing half-saved
    assert do(member, "action.edit", action_id=action["id"], title=["x"])["error"]["code"] \
        == "bad_request"
    assert snapshot(member)["groups"]["boards"][str(member.group_id)]["actions"][0]["title"] \
        == "Open the desk"


def test_an_edit_that_replaces_someone_else_s_tells_them(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    first = phone_of(room["people"][0])
    second = next(phone_of(p) for p in room["people"][1:] if phone_of(p).group_id == first.group_id)
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


def members_of(room, group_id):
    return [phone_of(p) for p in room["people"] if phone_of(p).group_id == group_id]


def test_a_member_volunteers_and_only_the_rapporteur_or_a_facilitator_changes_it(room_at):
    room = room_at("confirm", then="objectives")
    first, second, third = members_of(room, groups.groups_of(room["workshop"].id)[0].id)[:3]
    group_id, console = first.group_id, room["console"]
    rapporteur = lambda: db.session.get(WorkingGroup, group_id).rapporteur_id  # noqa: E731

    # nobody yet: a member volunteers themselves, and only themselves
    refused = do(first, "group.rapporteur", group_id=group_id,
                 participant_id=second.participant_id)
    assert refused["error"]["code"] == "volunteer_only" and rapporteur() is None
    assert do(first, "group.rapporteur", group_id=group_id,
              participant_id=first.participant_id)["ok"]
    # taken: another member can neither take the role nor clear it; they are told who has it
    name = db.session.get(Participant, first.participant_id).name
    for participant_id in (second.participant_id, None):
        refused = do(second, "group.rapporteur", group_id=group_id, participant_id=participant_id)
        assert refused["error"]["code"] == "rapporteur_taken"
        assert f"\u2068{name}\u2069" in refused["error"]["message"]  # isolated for direction
    assert rapporteur() == first.participant_id
    # the rapporteur hands over, to a member of the group only
    outsider = next(phone_of(p) for p in room["people"] if phone_of(p).group_id != group_id)
    assert do(first, "group.rapporteur", group_id=group_id,
              participant_id=outsider.participant_id)["error"]["code"] == "not_member"
    before = db.session.get(Workshop, room["workshop"].id).last_seq
    handed = do(first, "group.rapporteur", group_id=group_id, participant_id=second.participant_id)
    assert handed["ok"] and handed["group"]["rapporteur_id"] == second.participant_id
    assert [d["group"]["rapporteur_id"] for t, d in seen_by(outsider, before)
            if t == "group.updated"] == [second.participant_id]
    # the former rapporteur no longer decides; the facilitator names anyone in the group
    assert do(first, "group.rapporteur", group_id=group_id,
              participant_id=first.participant_id)["error"]["code"] == "rapporteur_taken"
    assert do(console, "group.rapporteur", group_id=group_id,
              participant_id=third.participant_id)["ok"]
    assert rapporteur() == third.participant_id
    # the rapporteur steps down; then anyone may volunteer again
    assert do(third, "group.rapporteur", group_id=group_id, participant_id=None)["ok"]
    assert do(second, "group.rapporteur", group_id=group_id,
              participant_id=second.participant_id)["ok"]
    # a rapporteur moved to another group no longer reports for this one
    before = db.session.get(Workshop, room["workshop"].id).last_seq
    assert do(console, "group.move", participant_id=second.participant_id,
              group_id=outsider.group_id)["ok"]
    assert rapporteur() is None
    assert [t for t, _d in seen_by(outsider, before)] == ["participants.grouped", "group.updated"]


def test_nobody_changes_rapporteurs_after_the_group_work(room_at):
    room = room_at("confirm", then="objectives")
    member, other = members_of(room, groups.groups_of(room["workshop"].id)[0].id)[:2]
    group_id, console = member.group_id, room["console"]
    assert do(member, "group.rapporteur", group_id=group_id,
              participant_id=member.participant_id)["ok"]
    do(console, "stage.change", from_stage="objectives", to_stage="actions_synthesis")
    assert do(member, "group.rapporteur", group_id=group_id,
              participant_id=other.participant_id)["ok"]  # still the group work
    do(console, "stage.change", from_stage="actions_synthesis", to_stage="synergies")
    for who, participant_id in ((other, member.participant_id), (other, None),
                                (console, None), (console, member.participant_id)):
        ack = do(who, "group.rapporteur", group_id=group_id, participant_id=participant_id)
        assert ack["error"]["code"] == "wrong_stage" and "Step 3" in ack["error"]["message"]
    assert db.session.get(WorkingGroup, group_id).rapporteur_id == other.participant_id


def test_the_rapporteur_writes_the_synthesis_for_the_room(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    member = phone_of(room["people"][0])
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


def test_a_latecomer_gets_a_group_once_groups_are_assigned(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    workshop = room["workshop"]
    late, _token = join(workshop, "nonce-late-0000000000", "Late Comer", "",
                        workshop.profiles[0])
    assert late.group_id is not None


def test_changing_priorities_after_entries_warns_and_keeps_them(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    member = phone_of(room["people"][0])
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


def test_a_group_screen_shows_one_group_for_staff_only(app, room_at):
    room = room_at("confirm", then="objectives")
    group = groups.groups_of(room["workshop"].id)[1]
    stranger = app.test_client()  # first: the room's app context keeps the signed-in user
    assert stranger.get(f"/workshops/{room['workshop'].id}/groups/{group.id}/screen"
                        ).status_code in (302, 401)
    staff = app.test_client()
    login(staff, *SAMPLE_OWNER)
    page = staff.get(f"/workshops/{room['workshop'].id}/groups/{group.id}/screen")
    assert page.status_code == 200
    assert f'"group_screen": {group.id}' in page.get_data(as_text=True)
    assert staff.get(f"/workshops/{room['workshop'].id}/groups/999999/screen").status_code == 404


def test_synergies_are_suggested_to_staff_with_their_reasons(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    do(room["console"], "stage.change", from_stage="objectives", to_stage="actors")
    members = {}
    for person in room["people"]:
        members.setdefault(phone_of(person).group_id, phone_of(person))
    first, second = list(members.values())[:2]
    do(first, "actor.add", name="Investment Development Authority of Lebanon", kind="public")
    do(second, "actor.add", name="IDAL", kind="public")
    ack = operations.query(room["console"], "synergies.suggest")
    assert ack["ok"]
    shared = [s for s in ack["suggestions"] if s["kind"] == "shared_actor"]
    assert len(shared) == 1 and set(shared[0]["group_ids"]) == {first.group_id, second.group_id}
    assert "IDAL" in str(shared[0]["evidence"]["names"]) and "groups" in shared[0]["because"]
    assert operations.query(first, "synergies.suggest")["error"]["code"] == "forbidden"


def test_the_facilitator_accepts_and_rejects_synergies(room_at):
    room = room_at("confirm", then="objectives")
    assign_all(room)
    do(room["console"], "stage.change", from_stage="objectives", to_stage="actors")
    members = {}
    for person in room["people"]:
        members.setdefault(phone_of(person).group_id, phone_of(person))
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
