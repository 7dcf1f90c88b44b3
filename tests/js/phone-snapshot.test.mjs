// A phone's snapshot carries what a phone shows (docs/protocol.md, "Catching up: sync"):
// the room's people as counts, names only in its own group; the groups' sizes, members
// only of its own; the wall's newest cards, the earlier ones read a page at a time. The
// events stay those every view gets: these check that a phone's reducers keep such a
// state right when an event names someone or a card the phone does not hold.
import { test } from "node:test";
import assert from "node:assert/strict";

import { addPage, applySteps12 } from "../../static/js/steps/ideas-priorities.js";
import { applySteps3 } from "../../static/js/steps/groups.js";
import { applySteps4 } from "../../static/js/steps/shared-plan.js";
import { memberCount, unnamedMembers } from "../../static/js/steps/groups.js";
import { KARIM, LEA, RANIA, card, client, group, log, snapshot } from "./room.mjs";

/** Rania's phone as the server now builds it: herself named, the room counted (Karim and
 *  Léa too), and the wall's newest cards 40 to 42 (`before` 40: two earlier cards of the
 *  others, 10 and 11, not held; her own card 5 is, whatever its age). */
function phone({ stage = "ideas" } = {}) {
  const snap = snapshot({ as: "phone" });
  snap.stage.stage = stage;
  snap.participants = { count: 3, by_profile: { Ministry: 2, "Private sector": 1 },
    list: [{ id: RANIA.id, name: RANIA.name }] };
  snap.ideas.list = [{ ...card(5, "Mine, early"), mine: true },
    ...[40, 41, 42].map((id) => ({ ...card(id, `Card ${id}`, { authors: [KARIM] }), mine: false }))];
  snap.ideas.before = 40;
  snap.ideas.earlier = 2;
  return snap;
}

const ids = (state) => state.ideas.list.map((c) => c.id);

test("someone joins: the phone counts them, and names them only in its group", () => {
  const snap = phone();
  const next = log(snap);
  const room = client(snap);
  const newcomer = { id: 9, name: "Nour Saab", organisation: "MoE", profile: "Ministry", group_id: null };
  room.play(next("participant.joined", { participant: newcomer }));
  assert.equal(room.state.participants.count, 4);
  assert.equal(room.state.participants.by_profile.Ministry, 3);
  assert.deepEqual(room.state.participants.list.map((p) => p.id), [RANIA.id]);
  // someone it does not name leaves: counted out (their profile waits for a snapshot)
  room.play(next("participant.removed", { participant_id: KARIM.id }));
  assert.equal(room.state.participants.count, 3);
  assert.deepEqual(room.state.participants.by_profile, { Ministry: 3, "Private sector": 1 });
  assert.deepEqual(room.state.participants.list.map((p) => p.id), [RANIA.id]);
  // renamed elsewhere (anonymised): nothing to rename here; herself, renamed
  room.play(next("participant.updated", { participant: { ...LEA, name: "Participant 3", organisation: "" } }),
    next("participant.updated", { participant: { ...RANIA, name: "Participant 1", organisation: "" } }));
  assert.deepEqual(room.state.participants.list.map((p) => p.name), ["Participant 1"]);
  assert.equal(room.state.me.name, "Participant 1");
});

test("a console still names everyone who joins", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  room.play(next("participant.joined", { participant: { ...LEA, id: 9, name: "Nour Saab" } }));
  assert.deepEqual(room.state.participants.list.map((p) => p.id), [RANIA.id, KARIM.id, LEA.id, 9]);
  assert.equal("count" in room.state.participants, false);
});

test("Step 3: the phone keeps its group's members and the other groups' sizes", () => {
  const snap = phone({ stage: "objectives" });
  snap.participants.list = [{ id: RANIA.id, name: RANIA.name }, { id: LEA.id, name: LEA.name }];
  snap.groups.my_group_id = 1;
  snap.groups.list = [{ ...group(1, "Agrifood"), member_count: 2, members: [RANIA.id, LEA.id] },
    { ...group(2, "Tourism"), member_count: 1 }];
  const next = log(snap);
  const room = client(snap);
  const [mine, other] = room.state.groups.list;
  assert.deepEqual([memberCount(mine), memberCount(other)], [2, 1]);
  // Léa moves to Tourism: out of my members, one more there
  room.play(next("participants.grouped", { moves: [{ participant_id: LEA.id, group_id: 2, previous_group_id: 1 }] }));
  assert.deepEqual(room.state.groups.list[0].members, [RANIA.id]);
  assert.equal(room.state.groups.list[1].member_count, 2);
  assert.equal("members" in room.state.groups.list[1], false);
  assert.deepEqual(unnamedMembers(room.state), []);
  // Karim, whom the phone cannot name, moves into my group: a fresh snapshot will name him
  room.play(next("participants.grouped", { moves: [{ participant_id: KARIM.id, group_id: 1, previous_group_id: 2 }] }));
  assert.deepEqual(room.state.groups.list[0].members, [RANIA.id, KARIM.id]);
  assert.equal(room.state.groups.list[1].member_count, 1);
  assert.deepEqual(unnamedMembers(room.state), [KARIM.id]);
  // a newcomer placed in my group is named by the event itself; one placed elsewhere counted
  const nour = { id: 9, name: "Nour Saab", organisation: "MoE", profile: "Ministry", group_id: 1 };
  room.play(next("participant.joined", { participant: nour }),
    next("participant.joined", { participant: { ...nour, id: 10, name: "Sami Aoun", group_id: 2 } }));
  assert.deepEqual(room.state.participants.list.map((p) => p.id), [RANIA.id, LEA.id, 9]);
  assert.deepEqual(room.state.groups.list[0].members, [RANIA.id, KARIM.id, 9]);
  assert.equal(room.state.groups.list[1].member_count, 2);
  // groups formed again (other priorities): the other groups keep their counts
  room.play(next("groups.formed", { groups: [group(1, "Agrifood"), group(2, "Tourism"), group(3, "Energy")],
    settings: { mode: "balanced", cap: 0, spotlight_group_id: null } }));
  assert.deepEqual(room.state.groups.list.map(memberCount), [3, 2, 0]);
  assert.equal("members" in room.state.groups.list[2], false);
});

test("the wall: new cards join the newest, older ones wait to be read", () => {
  const snap = phone();
  const next = log(snap);
  const room = client(snap);
  room.play(next("idea.posted", { idea: card(43, "Newest", { authors: [LEA] }) }),
    // an edit of a card the phone does not hold changes nothing it holds
    next("idea.updated", { idea: card(10, "Edited, early", { authors: [LEA] }) }),
    // a card restored above `before` takes its place among those held
    next("idea.updated", { idea: card(41.5, "Restored", { authors: [LEA] }) }));
  assert.deepEqual(ids(room.state), [5, 40, 41, 41.5, 42, 43]);
  assert.equal(room.state.ideas.earlier, 2);
  // removed: an earlier card is counted out; a held one leaves the list
  room.play(next("idea.removed", { ids: [11] }), next("idea.removed", { ids: [41] }));
  assert.equal(room.state.ideas.earlier, 1);
  assert.deepEqual(ids(room.state), [5, 40, 41.5, 42, 43]);
  // merged: into a held card, from an earlier one
  room.play(next("idea.merged", { idea: { ...card(42, "Card 42"), merged_texts: ["Edited, early"] }, merged: [10] }));
  assert.equal(room.state.ideas.earlier, 0);
  assert.deepEqual(room.state.ideas.list.find((c) => c.id === 42).merged_texts, ["Edited, early"]);
});

test("earlier cards read with ideas.page take their place; what is left is the page's", () => {
  const snap = phone();
  const next = log(snap);
  const room = client(snap);
  addPage(room.state, { cards: [card(10, "Ten"), { ...card(11, "Eleven"), mine: false }],
    before: null, earlier: 0, seq: snap.seq + 1 });
  assert.deepEqual(ids(room.state), [5, 10, 11, 40, 41, 42]);
  assert.equal(room.state.ideas.before, null);
  // an event the page had already counted changes no count twice
  room.play(next("idea.removed", { ids: [12] }));
  assert.equal(room.state.ideas.earlier, 0);
  // everything held now: a restored card of any age is put in its place
  room.play(next("idea.updated", { idea: card(7, "Restored, early", { authors: [LEA] }) }));
  assert.deepEqual(ids(room.state), [5, 7, 10, 11, 40, 41, 42]);
  // a replay of the page's cards adds nothing twice
  addPage(room.state, { cards: [card(10, "Ten")], before: null, earlier: 0, seq: snap.seq + 2 });
  assert.deepEqual(ids(room.state), [5, 7, 10, 11, 40, 41, 42]);
});

test("a console's wall is whole: an unknown card is added at the end, as before", () => {
  const snap = snapshot();
  snap.ideas.list = [card(40, "Forty")];
  const next = log(snap);
  const room = client(snap);
  room.play(next("idea.updated", { idea: card(10, "Restored") }), next("idea.removed", { ids: [99] }));
  assert.deepEqual(ids(room.state), [40, 10]);
  assert.equal("earlier" in room.state.ideas, false);
});

/** The phone's own reducer (views/phone.js): its cards set aside. */
function applyMyCards(state, event) {
  if (event.type !== "idea.set_aside") return;
  state.ideas.set_aside = [...state.ideas.set_aside.filter((c) => c.id !== event.data.id), event.data];
}

test("its card merged into an older card it did not hold: that card is its own, and held", () => {
  const snap = phone();
  const next = log(snap);
  const room = client(snap, [applySteps12, applyMyCards, applySteps3, applySteps4]);
  // card 5, Rania's, merged into card 10 (Karim's, below `before`): she is told first
  room.play(next("idea.set_aside", { id: 5, text: "Mine, early", status: "merged", merged_into: 10 }, "p1"),
    next("idea.merged", { idea: { ...card(10, "Ten", { authors: [KARIM, RANIA] }), merged_texts: ["Mine, early"] },
      merged: [5] }));
  assert.deepEqual(ids(room.state), [10, 40, 41, 42]);
  assert.equal(room.state.ideas.list[0].mine, true);
  assert.equal(room.state.ideas.earlier, 1);
});
