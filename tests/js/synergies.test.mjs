// Step 4 and the closing (steps/shared-plan.js): synergies and the participants' proposals, the
// shared plan, the success factors, the steering committee, the closing record, and why a
// synergy's groups meet, in the reader's language.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useCatalogue } from "../../static/js/core/i18n.js";
import { isClosed, pendingProposals, reasonText } from "../../static/js/steps/shared-plan.js";
import { KARIM, RANIA, client, log, snapshot } from "./room.mjs";

function step4({ as = "console" } = {}) {
  const snap = snapshot({ as });
  snap.stage.stage = "synergies";
  return { next: log(snap), room: client(snap) };
}

const synergy = (id, title, status = "accepted") => ({ id, status, kind: "shared_actor", title, note: "",
  entries: [{ kind: "actor", id: 2, group_id: 1 }, { kind: "actor", id: 9, group_id: 2 }], group_ids: [1, 2],
  updated_at: "2015-10-20T14:00:00Z" });
const proposal = (id, status = "pending", synergyId = null) => ({ id, text: "IDAL in both groups", group_ids: [1, 2],
  author_id: RANIA.id, status, synergy_id: synergyId, created_at: "2015-10-20T14:00:00Z" });

test("synergies accepted, then one undone", () => {
  const { next, room } = step4();
  room.play(next("synergy.saved", { synergy: synergy(1, "One export agency") }),
    next("synergy.saved", { synergy: synergy(2, "Shared trade fairs") }),
    next("synergy.saved", { synergy: { ...synergy(1, "One export agency, with IDAL") } }));
  assert.deepEqual(room.state.synergies.list.map((s) => s.title), ["One export agency, with IDAL", "Shared trade fairs"]);
  room.play(next("synergy.removed", { id: 2 }));
  assert.deepEqual(room.state.synergies.list.map((s) => s.id), [1]);
});

test("a participant's proposal waits for the facilitators, then is answered", () => {
  const { next, room } = step4();
  room.play(next("proposal.saved", { proposal: proposal(5) }, "p1"),
    next("proposal.saved", { proposal: { ...proposal(6), author_id: KARIM.id } }, "p2"));
  assert.deepEqual(pendingProposals(room.state).map((p) => p.id), [5, 6]);
  room.play(next("synergy.saved", { synergy: synergy(1, "One export agency") }),
    next("proposal.saved", { proposal: proposal(5, "accepted", 1) }, "p1"),
    next("proposal.saved", { proposal: { ...proposal(6, "dismissed"), author_id: KARIM.id } }, "p2"));
  assert.deepEqual(pendingProposals(room.state), []);
  assert.deepEqual(room.state.synergies.proposals.map((p) => [p.id, p.status]), [[5, "accepted"], [6, "dismissed"]]);
  // the synergy undone: the proposal it answered waits again
  room.play(next("synergy.removed", { id: 1 }), next("proposal.saved", { proposal: proposal(5) }, "p1"));
  assert.deepEqual(pendingProposals(room.state).map((p) => p.id), [5]);
});

test("a phone sees its own proposals and how they were answered", () => {
  const { next, room } = step4({ as: "phone" });
  room.play(next("proposal.saved", { proposal: proposal(5) }, "p1"),
    next("proposal.saved", { proposal: proposal(5, "dismissed") }, "p1"));
  assert.deepEqual(room.state.synergies.my_proposals.map((p) => p.status), ["dismissed"]);
  assert.equal(room.state.synergies.proposals, undefined); // others' proposals never reach it
  assert.deepEqual(pendingProposals(room.state), []);
});

test("the shared plan: actions, and measures by due date", () => {
  const { next, room } = step4();
  const action = (id, title) => ({ id, title, description: "", theme_ids: [11], lead: "IDAL", partners: [],
    deadline: null, expected_result: "", action_ids: [], synergy_id: null, version: 1, updated_at: "" });
  const measure = (id, text, due) => ({ id, text, owner: "IDAL", due, version: 1 });
  room.play(next("shared_action.saved", { shared_action: action(1, "An export agency") }),
    next("shared_action.saved", { shared_action: action(2, "A trade fair") }),
    next("shared_action.saved", { shared_action: { ...action(1, "One export agency"), version: 2 } }),
    next("shared_action.removed", { id: 2 }));
  assert.deepEqual(room.state.shared_plan.actions.map((a) => a.title), ["One export agency"]);

  room.play(next("measure.saved", { measure: measure(1, "Call the ministry", "2015-11-30") }),
    next("measure.saved", { measure: measure(2, "Send the minutes", "2015-10-25") }),
    next("measure.saved", { measure: measure(3, "Book the room", "2015-11-01") }));
  assert.deepEqual(room.state.shared_plan.measures.map((m) => m.id), [2, 3, 1]);
  room.play(next("measure.saved", { measure: { ...measure(1, "Call the ministry", "2015-10-21"), version: 2 } }),
    next("measure.removed", { id: 3 }));
  assert.deepEqual(room.state.shared_plan.measures.map((m) => m.text), ["Call the ministry", "Send the minutes"]);
});

test("success factors proposed, endorsed, removed", () => {
  const { next, room } = step4();
  const factor = (id, text, endorsements = []) => ({ id, text, author_id: RANIA.id, endorsements,
    created_at: "2015-10-20T16:00:00Z" });
  room.play(next("factor.saved", { factor: factor(1, "A minister who owns it") }),
    next("factor.saved", { factor: factor(2, "A budget") }),
    next("factor.saved", { factor: factor(1, "A minister who owns it", [KARIM.id]) }),
    next("factor.removed", { id: 2 }));
  assert.deepEqual(room.state.closing.factors.map((f) => [f.text, f.endorsements]), [["A minister who owns it", [2]]]);
});

test("the steering committee: a sign-up, a new role, a departure", () => {
  const { next, room } = step4({ as: "phone" });
  const member = { participant_id: RANIA.id, name: RANIA.name, organisation: "IDAL", role: "Secretary" };
  room.state.closing.my_membership = { ...member, email: "rania@example.org", consented_at: "2015-10-20T16:00:00Z" };
  room.play(next("committee.joined", { member: { participant_id: KARIM.id, name: KARIM.name, organisation: "", role: "Chair" } }),
    next("committee.joined", { member: { ...member, role: "Treasurer" } }));
  assert.deepEqual(room.state.closing.committee.map((m) => [m.name, m.role]), [[KARIM.name, "Chair"], [RANIA.name, "Treasurer"]]);
  assert.equal(room.state.closing.my_membership.role, "Treasurer");
  assert.equal(room.state.closing.my_membership.email, "rania@example.org"); // kept until told it changed
  room.play(next("committee.left", { participant_id: RANIA.id }));
  assert.deepEqual(room.state.closing.committee.map((m) => m.name), [KARIM.name]);
  assert.equal(room.state.closing.my_membership, null);
});

test("changed contact details: the old email is forgotten until read again", () => {
  const { next, room } = step4();
  const member = { participant_id: KARIM.id, name: KARIM.name, organisation: "", role: "Chair",
    email: "karim@example.org", consented_at: "2015-10-20T16:00:00Z" };
  room.state.closing.committee = [member];
  room.play(next("committee.contact", { participant_id: KARIM.id, consented_at: "2015-10-20T16:30:00Z" }, "facilitators"));
  const [kept] = room.state.closing.committee;
  assert.equal(kept.email, undefined);
  assert.equal(kept.contact_wanted, "2015-10-20T16:30:00Z");
  assert.equal(kept.role, "Chair");
});

test("the closing record reaches the facilitators; closing makes the workshop read-only", () => {
  const { next, room } = step4();
  const record = { id: 1, kind: "closed", operation: "", fields: {}, actor: "facilitator:1", at: "2015-10-20T17:00:00Z" };
  room.play(next("workshop.closed", { workshop: { ...room.state.workshop, closed_at: "2015-10-20T17:00:00Z" } }),
    next("closing.recorded", { record }, "facilitators"));
  assert.equal(isClosed(room.state), true);
  assert.deepEqual(room.state.closing.records.map((r) => r.kind), ["closed"]);
});

test("why a synergy's groups meet, in the reader's language", () => {
  useCatalogue({
    reason_shared_actor: "« %(name)s » est cité par les groupes %(groups)s.",
    reason_quoted: "« %(name)s »",
    reason_also_written: "Aussi écrit : %(names)s.",
    reason_similar: { one: "Ces deux entrées partagent %(n)d mot clé sur %(num)d : %(words)s.",
      other: "Ces deux entrées partagent %(n)d mots clés sur %(num)d : %(words)s." },
  }, "fr");
  assert.equal(reasonText({ kind: "shared_actor", names: ["IDAL"], groups: [1, 2, 3] }),
    "« IDAL » est cité par les groupes 1, 2 et 3.");
  assert.equal(reasonText({ kind: "shared_actor", names: ["IDAL", "Idal"], groups: [1, 2] }),
    "« IDAL » est cité par les groupes 1 et 2. Aussi écrit : « Idal ».");
  assert.equal(reasonText({ kind: "similar_action", shared_words: ["export", "olive"], of_words: 5 }),
    "Ces deux entrées partagent 2 mots clés sur 5 : export et olive.");
  // words the page was not handed, or no reason at all (a synergy linked by hand): nothing
  assert.equal(reasonText({ kind: "shared_resource", shared_words: ["budget"] }), "");
  assert.equal(reasonText(null), "");
});
