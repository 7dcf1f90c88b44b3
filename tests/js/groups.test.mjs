// Step 3 (steps/groups.js): the working groups, who is in which, their boards and syntheses, as
// a console and a phone see them after the events docs/protocol.md lists.
import { test } from "node:test";
import assert from "node:assert/strict";

import { board, groupById, synthesisOf } from "../../static/js/steps/groups.js";
import { KARIM, LEA, RANIA, client, group, log, snapshot } from "./room.mjs";

/** A console (or Rania's phone) once entering Step 3 formed two groups: Rania and Léa
 *  in group 1, Karim in group 2. */
function step3({ as = "console" } = {}) {
  const snap = snapshot({ as });
  snap.stage.stage = "objectives";
  const next = log(snap);
  const room = client(snap);
  room.play(next("groups.formed", { groups: [group(1, "Agrifood"), group(2, "Tourism")],
    settings: { mode: "balanced", cap: 0, spotlight_group_id: null } }),
  next("participants.grouped", { moves: [
    { participant_id: RANIA.id, group_id: 1, previous_group_id: null },
    { participant_id: LEA.id, group_id: 1, previous_group_id: null },
    { participant_id: KARIM.id, group_id: 2, previous_group_id: null }] }));
  return { next, room };
}

const members = (state, id) => groupById(state, id).members;
const person = (state, id) => state.participants.list.find((p) => p.id === id);

test("groups formed, then everyone placed in one", () => {
  const { room } = step3();
  assert.deepEqual(room.state.groups.list.map((g) => g.title), ["Agrifood", "Tourism"]);
  assert.deepEqual(members(room.state, 1), [RANIA.id, LEA.id]);
  assert.deepEqual(members(room.state, 2), [KARIM.id]);
  assert.equal(person(room.state, LEA.id).group_id, 1);
});

test("a participant moved to another group leaves the first", () => {
  const { next, room } = step3();
  room.play(next("participants.grouped", { moves: [{ participant_id: LEA.id, group_id: 2, previous_group_id: 1 }] }));
  assert.deepEqual(members(room.state, 1), [RANIA.id]);
  assert.deepEqual(members(room.state, 2), [KARIM.id, LEA.id]);
  assert.equal(person(room.state, LEA.id).group_id, 2);
  room.play(next("participants.grouped", { moves: [{ participant_id: LEA.id, group_id: null, previous_group_id: 2 }] }));
  assert.deepEqual(members(room.state, 2), [KARIM.id]);
  assert.equal(person(room.state, LEA.id).group_id, null);
});

test("groups formed again keep their members", () => {
  const { next, room } = step3();
  room.play(next("groups.formed", { groups: [{ ...group(1, "Agrifood"), retired: true }, group(2, "Tourism")],
    settings: { mode: "choose", cap: 5, spotlight_group_id: null } }));
  assert.equal(groupById(room.state, 1).retired, true);
  assert.deepEqual(members(room.state, 1), [RANIA.id, LEA.id]);
  assert.equal(room.state.groups.settings.mode, "choose");
});

test("a newcomer joining during Step 3 shows in their group", () => {
  const { next, room } = step3();
  const sami = { id: 4, name: "Sami Frem", organisation: "", profile: "NGO", group_id: 2 };
  room.play(next("participant.joined", { participant: sami }));
  assert.deepEqual(members(room.state, 2), [KARIM.id, 4]);
});

test("a removed participant leaves their group and the list", () => {
  const { next, room } = step3();
  room.play(next("participant.removed", { participant_id: LEA.id }));
  assert.deepEqual(members(room.state, 1), [RANIA.id]);
  assert.equal(person(room.state, LEA.id), undefined);
  assert.deepEqual(room.state.participants.by_profile, { Ministry: 1, "Private sector": 1 });
});

test("a new rapporteur, and the spotlight", () => {
  const { next, room } = step3();
  room.play(next("group.updated", { group: { ...group(1, "Agrifood"), rapporteur_id: LEA.id } }),
    next("groups.settings", { mode: "balanced", cap: 0, spotlight_group_id: 2 }));
  assert.equal(groupById(room.state, 1).rapporteur_id, LEA.id);
  assert.deepEqual(members(room.state, 1), [RANIA.id, LEA.id]); // the members stay
  assert.equal(room.state.groups.settings.spotlight_group_id, 2);
});

const entry = (id, groupId, fields) => ({ id, group_id: groupId, author_id: RANIA.id, version: 1,
  highlighted: false, updated_at: "2015-10-20T11:00:00Z", ...fields });

test("a board's entries: added, edited, highlighted, removed", () => {
  const { next, room } = step3();
  assert.deepEqual(board(room.state, 1), { objectives: [], actors: [], actions: [] });
  room.play(next("objective.saved", { objective: entry(1, 1, { text: "Double olive oil exports" }) }, "g1"),
    next("actor.saved", { actor: entry(2, 1, { name: "IDAL", kind: "public", role: "" }) }, "g1"),
    next("action.saved", { action: entry(3, 1, { title: "A label for Lebanese oil", objective_ids: [1],
      lead_actor_id: 2, partner_ids: [], deadline: "2016-06-30", expected_result: "", resources: "" }) }, "g1"),
    next("objective.saved", { objective: entry(1, 1, { text: "Triple olive oil exports", version: 2,
      highlighted: true }) }, "g1"));
  const b = board(room.state, 1);
  assert.deepEqual(b.objectives.map((o) => [o.text, o.highlighted]), [["Triple olive oil exports", true]]);
  assert.deepEqual(b.actors.map((a) => a.name), ["IDAL"]);
  assert.deepEqual(b.actions.map((a) => a.title), ["A label for Lebanese oil"]);
  room.play(next("action.removed", { id: 3, group_id: 1 }, "g1"));
  assert.deepEqual(board(room.state, 1).actions, []);
  assert.deepEqual(board(room.state, 2), { objectives: [], actors: [], actions: [] }); // the other group's untouched
});

test("a phone keeps its own group's board only", () => {
  const { next, room } = step3({ as: "phone" });
  room.state.groups.my_group_id = 1; // the fresh snapshot a phone gets once grouped
  room.play(next("objective.saved", { objective: entry(1, 1, { text: "Ours" }) }, "g1"),
    next("objective.saved", { objective: entry(2, 2, { text: "Theirs" }) }, "g2"));
  assert.deepEqual(board(room.state, 1).objectives.map((o) => o.text), ["Ours"]);
  assert.deepEqual(Object.keys(room.state.groups.boards), ["1"]);
});

test("a synthesis written, then rewritten", () => {
  const { next, room } = step3();
  const synthesis = (text) => ({ group_id: 1, substep: "objectives", text, updated_at: "2015-10-20T11:30:00Z" });
  room.play(next("synthesis.saved", { synthesis: synthesis("Exports first") }));
  assert.equal(synthesisOf(room.state, 1, "objectives"), "Exports first");
  room.play(next("synthesis.saved", { synthesis: synthesis("Exports first, then quality") }));
  assert.equal(synthesisOf(room.state, 1, "objectives"), "Exports first, then quality");
  assert.equal(room.state.groups.syntheses.length, 1);
  assert.equal(synthesisOf(room.state, 1, "actors"), "");
  assert.equal(synthesisOf(room.state, 2, "objectives"), "");
});
