// What every view keeps (core/room.js): events applied once, in their stream's order, and the
// parts all views share: the stage, the participants, the joining, the workshop.
import { test } from "node:test";
import assert from "node:assert/strict";

import { alreadyApplied, missedBefore } from "../../static/js/core/room.js";
import { isClosed } from "../../static/js/steps/shared-plan.js";
import { KARIM, LEA, RANIA, card, client, log, snapshot } from "./room.mjs";

const names = (state) => state.participants.list.map((p) => p.name);

test("events are applied in the order they come", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  const sami = { id: 4, name: "Sami Frem", organisation: "", profile: "Private sector", group_id: null };
  room.play(next("participant.joined", { participant: sami }),
    next("stage.changed", { stage: "themes", previous: "ideas", started_at: "2015-10-20T10:00:00Z" }),
    next("joining.updated", { join_code: "KX7-PQ2", joining_open: false, join_url: "http://10.0.0.2:5000/j/KX7-PQ2" }));
  assert.deepEqual(names(room.state), ["Rania Haddad", "Karim Nassar", "Léa Khoury", "Sami Frem"]);
  assert.deepEqual(room.state.participants.by_profile, { Ministry: 2, "Private sector": 2 });
  assert.equal(room.state.stage.stage, "themes");
  assert.equal(room.state.joining.joining_open, false);
  assert.equal(room.heads.all, 103);
});

test("a replayed event changes nothing: a withdrawn card does not come back", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  const posted = next("idea.posted", { idea: card(7, "Export olive oil to the Gulf") });
  const withdrawn = next("idea.removed", { ids: [7] });
  assert.equal(room.play(posted, withdrawn), 2);
  assert.equal(room.play(posted), 0); // the same event again, after a reconnect
  assert.deepEqual(room.state.ideas.list, []);
  assert.ok(alreadyApplied(room.heads, posted) && alreadyApplied(room.heads, withdrawn));
});

test("a participant who joins twice (the event replayed) is counted once", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  const joined = next("participant.joined", { participant: { id: 4, name: "Sami Frem", organisation: "",
    profile: "NGO", group_id: null } });
  room.play(joined, joined);
  assert.equal(names(room.state).filter((n) => n === "Sami Frem").length, 1);
  assert.equal(room.state.participants.by_profile.NGO, 1);
});

test("an event whose stream's previous event never arrived is noticed", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  next("idea.posted", { idea: card(7, "Lost on the way") }); // never reaches this client
  const after = next("idea.posted", { idea: card(8, "The next card") });
  assert.ok(missedBefore(room.heads, after)); // the client syncs instead of applying it
  const other = next("votes.updated", { totals: [], voters: 0 }, "facilitators");
  assert.ok(!missedBefore(room.heads, other)); // another stream has no hole
});

test("a stream this client has never seen starts at 0", () => {
  const room = client(snapshot());
  assert.ok(!missedBefore(room.heads, { seq: 120, stream: "g5", prev: 0 }));
  assert.ok(missedBefore(room.heads, { seq: 121, stream: "g5", prev: 118 }));
});

test("an anonymised participant shows under their new name, without organisation", () => {
  const snap = snapshot({ as: "phone" });
  const next = log(snap);
  const room = client(snap);
  const anonymous = { ...KARIM, name: "Participant 2", organisation: "" };
  room.play(next("participant.updated", { participant: anonymous }));
  assert.deepEqual(names(room.state), ["Rania Haddad", "Participant 2", "Léa Khoury"]);
  assert.equal(room.state.participants.list[1].organisation, "");
  assert.equal(room.state.me.name, "Rania Haddad"); // someone else: my phone is still mine
  room.play(next("participant.updated", { participant: { ...RANIA, name: "Participant 1", organisation: "" } }));
  assert.equal(room.state.me.name, "Participant 1"); // my own phone says who I am now
  assert.equal(room.state.me.organisation, "");
  assert.equal(room.state.me.rejoin_code, "4821-7730");
});

test("a removed participant leaves the list and the counts by profile", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  room.play(next("participant.removed", { participant_id: LEA.id }));
  assert.deepEqual(names(room.state), ["Rania Haddad", "Karim Nassar"]);
  assert.deepEqual(room.state.participants.by_profile, { Ministry: 1, "Private sector": 1 });
  room.play(next("participant.removed", { participant_id: KARIM.id }));
  assert.deepEqual(room.state.participants.by_profile, { Ministry: 1 }); // no "Private sector: 0"
  room.play(next("participant.removed", { participant_id: 99 })); // unknown here: nothing moves
  assert.deepEqual(names(room.state), ["Rania Haddad"]);
});

test("closing and reopening the workshop", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  assert.equal(isClosed(room.state), false);
  const closed = { ...snap.workshop, closed_at: "2015-10-20T17:00:00Z" };
  room.play(next("workshop.closed", { workshop: closed }));
  assert.equal(isClosed(room.state), true);
  room.play(next("workshop.reopened", { workshop: { ...closed, closed_at: null } }));
  assert.equal(isClosed(room.state), false);
  room.play(next("workshop.updated", { ...snap.workshop, title: "Exports 2030", plan_shared: true }));
  assert.equal(room.state.workshop.title, "Exports 2030");
  assert.equal(room.state.workshop.plan_shared, true);
});
