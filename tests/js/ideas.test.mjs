// Steps 1 and 2 (steps/ideas-priorities.js): the cards on the wall, the themes, the dots and the
// priorities, as a console and a phone see them after the events docs/protocol.md lists.
import { test } from "node:test";
import assert from "node:assert/strict";

import { ranking } from "../../static/js/steps/ideas-priorities.js";
import { KARIM, LEA, RANIA, card, client, log, snapshot, theme } from "./room.mjs";

const wall = (state) => state.ideas.list.map((c) => c.text);

test("cards posted, edited, then withdrawn", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  room.play(next("idea.posted", { idea: card(7, "Export olive oil") }),
    next("idea.posted", { idea: card(8, "Train customs officers", { authors: [KARIM] }) }),
    next("idea.updated", { idea: { ...card(7, "Export olive oil to the Gulf"), kind: "practice" } }));
  assert.deepEqual(wall(room.state), ["Export olive oil to the Gulf", "Train customs officers"]);
  assert.equal(room.state.ideas.list[0].kind, "practice");
  room.play(next("idea.removed", { ids: [8] }));
  assert.deepEqual(wall(room.state), ["Export olive oil to the Gulf"]);
});

test("merged cards become one, carrying the others' words", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  room.play(next("idea.posted", { idea: card(7, "Export olive oil") }),
    next("idea.posted", { idea: card(8, "Sell olive oil abroad", { authors: [KARIM] }) }),
    next("idea.posted", { idea: card(9, "A one-stop shop", { authors: [LEA] }) }));
  const merged = { ...card(7, "Export olive oil"), merged_texts: ["Sell olive oil abroad"],
    authors: [{ id: 1, name: RANIA.name }, { id: 2, name: KARIM.name }] };
  room.play(next("idea.merged", { idea: merged, merged: [8] }));
  assert.deepEqual(wall(room.state), ["Export olive oil", "A one-stop shop"]);
  assert.deepEqual(room.state.ideas.list[0].merged_texts, ["Sell olive oil abroad"]);
  assert.deepEqual(room.state.ideas.list[0].authors.map((a) => a.name), [RANIA.name, KARIM.name]);
});

test("anonymous cards: a phone forgets the authors, a console keeps them", () => {
  for (const as of ["phone", "console"]) {
    const snap = snapshot({ as });
    const next = log(snap);
    const room = client(snap);
    room.play(next("idea.posted", { idea: card(7, "Export olive oil") }),
      next("ideas.settings", { anonymous: true, input_locked: false, timer_ends_at: null }));
    assert.equal(room.state.ideas.settings.anonymous, true);
    assert.equal(room.state.ideas.list[0].authors === undefined, as === "phone", as);
  }
});

test("names shown again: every card gets its authors back", () => {
  const snap = snapshot({ as: "phone" });
  const next = log(snap);
  const room = client(snap);
  room.play(next("idea.posted", { idea: { ...card(7, "Export olive oil"), authors: undefined } }),
    next("ideas.settings", { anonymous: false, input_locked: true, timer_ends_at: null,
      authors: [{ id: 7, authors: [{ id: 1, name: RANIA.name }] }] }));
  assert.deepEqual(room.state.ideas.list[0].authors, [{ id: 1, name: RANIA.name }]);
  assert.equal(room.state.ideas.settings.input_locked, true);
});

test("the timer starts and stops", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  room.play(next("timer.started", { ends_at: "2015-10-20T09:10:00Z", seconds: 600, server_time: "2015-10-20T09:00:00Z" }));
  assert.equal(room.state.ideas.settings.timer_ends_at, "2015-10-20T09:10:00Z");
  room.play(next("timer.stopped", { ends_at: null }));
  assert.equal(room.state.ideas.settings.timer_ends_at, null);
});

test("themes: created, cards assigned, merged, unmerged, deleted", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  room.play(next("idea.posted", { idea: card(7, "Export olive oil") }),
    next("idea.posted", { idea: card(8, "Wine to Europe") }),
    next("theme.created", { theme: theme(1, "Agrifood") }),
    next("theme.created", { theme: theme(2, "Wine") }),
    next("idea.assigned", { idea_id: 7, theme_id: 1, previous_theme_id: null }),
    next("idea.assigned", { idea_id: 8, theme_id: 2, previous_theme_id: null }));
  assert.deepEqual(room.state.ideas.list.map((c) => c.theme_id), [1, 2]);

  room.play(next("theme.merged", { theme: { ...theme(1, "Agrifood and wine") }, merged: [2], ideas: [7, 8] }));
  assert.deepEqual(room.state.priorities.themes.map((t) => t.title), ["Agrifood and wine"]);
  assert.deepEqual(room.state.ideas.list.map((c) => c.theme_id), [1, 1]);

  room.play(next("theme.unmerged", { theme: theme(2, "Wine"), from: 1, ideas: [8] }));
  assert.deepEqual(room.state.priorities.themes.map((t) => t.title), ["Agrifood and wine", "Wine"]);
  assert.deepEqual(room.state.ideas.list.map((c) => c.theme_id), [1, 2]);

  room.play(next("idea.assigned", { idea_id: 8, theme_id: null, previous_theme_id: 2 }),
    next("theme.deleted", { id: 2 }));
  assert.deepEqual(room.state.priorities.themes.map((t) => t.title), ["Agrifood and wine"]);
  assert.equal(room.state.ideas.list[1].theme_id, null);
});

test("a deleted theme's cards are no longer under it", () => {
  const snap = snapshot();
  const next = log(snap);
  const room = client(snap);
  room.play(next("theme.created", { theme: theme(3, "Tourism") }),
    next("idea.posted", { idea: card(9, "Village guesthouses", { theme_id: 3 }) }),
    next("theme.deleted", { id: 3 }));
  assert.equal(room.state.ideas.list[0].theme_id, null);
});

/** A console at the vote with three themes; the room's two priorities to choose. */
function votingRoom() {
  const snap = snapshot();
  snap.stage.stage = "vote";
  snap.priorities.themes = [theme(1, "Agrifood"), theme(2, "Tourism"), theme(3, "Tech")];
  snap.priorities.voting = { open: true, revealed: false, allow_multiple: false, dots_per_participant: 3 };
  return { snap, next: log(snap), room: client(snap) };
}

test("dots: the totals give the ranking, most dots first", () => {
  const { snap, next, room } = votingRoom();
  room.play(next("votes.updated", { totals: [{ theme_id: 2, dots: 5 }, { theme_id: 3, dots: 1 }], voters: 2 },
    "facilitators"));
  const rows = ranking(room.state);
  assert.deepEqual(rows.map((r) => [r.theme.title, r.dots, r.rank]), [["Tourism", 5, 1], ["Tech", 1, 2], ["Agrifood", 0, 3]]);
  assert.equal(room.state.priorities.voting.voters, 2);
  assert.equal(snap.priorities.totals.length, 0); // the snapshot the client took is its own
});

test("a tie across the cut is flagged, one inside the priorities is not", () => {
  const { next, room } = votingRoom();
  room.play(next("votes.updated", { totals: [{ theme_id: 1, dots: 4 }, { theme_id: 2, dots: 2 }, { theme_id: 3, dots: 2 }],
    voters: 3 }, "facilitators"));
  let rows = ranking(room.state);
  assert.deepEqual(rows.map((r) => [r.theme.title, r.rank, r.tied]),
    [["Agrifood", 1, false], ["Tourism", 2, true], ["Tech", 2, true]]);
  room.play(next("votes.updated", { totals: [{ theme_id: 1, dots: 4 }, { theme_id: 2, dots: 4 }, { theme_id: 3, dots: 1 }],
    voters: 3 }, "facilitators"));
  rows = ranking(room.state);
  assert.deepEqual(rows.map((r) => [r.theme.title, r.rank, r.tied]),
    [["Agrifood", 1, false], ["Tourism", 1, false], ["Tech", 3, false]]);
});

test("a phone sees no totals before the reveal, only the turnout", () => {
  const snap = snapshot({ as: "phone" });
  snap.priorities.themes = [theme(1, "Agrifood"), theme(2, "Tourism")];
  const next = log(snap);
  const room = client(snap);
  room.play(next("votes.turnout", { voters: 4 }),
    next("dots.mine", { dots_left: 2, dots: [{ theme_id: 2, count: 1 }] }, "p1"));
  assert.equal(ranking(room.state), null);
  assert.equal(room.state.priorities.voting.voters, 4);
  assert.deepEqual(room.state.priorities.mine, { dots_left: 2, dots: [{ theme_id: 2, count: 1 }] });

  const results = [{ theme: theme(2, "Tourism"), dots: 6, rank: 1, tied: false, tie_at_cutoff: false },
    { theme: theme(1, "Agrifood"), dots: 3, rank: 2, tied: false, tie_at_cutoff: false }];
  room.play(next("votes.revealed", { results }));
  assert.deepEqual(ranking(room.state).map((r) => [r.theme.title, r.dots]), [["Tourism", 6], ["Agrifood", 3]]);

  // hidden again: the phone forgets what it was shown
  room.play(next("voting.updated", { open: false, revealed: false, allow_multiple: false, dots_per_participant: 3 }));
  assert.equal(ranking(room.state), null);
  assert.equal(room.state.priorities.results, null);
});

test("a console keeps the totals when the results are hidden again", () => {
  const { next, room } = votingRoom();
  room.play(next("votes.updated", { totals: [{ theme_id: 1, dots: 2 }], voters: 1 }, "facilitators"),
    next("voting.updated", { open: false, revealed: false, allow_multiple: false, dots_per_participant: 3 }));
  assert.equal(ranking(room.state)[0].theme.title, "Agrifood");
  assert.equal(room.state.priorities.voting.open, false);
});

test("confirmed priorities carry their rank", () => {
  const { next, room } = votingRoom();
  room.play(next("priorities.confirmed", { priorities: [
    { ...theme(2, "Tourism, reworded"), confirmed_rank: 1 }, { ...theme(1, "Agrifood"), confirmed_rank: 2 }] }));
  const byId = Object.fromEntries(room.state.priorities.themes.map((t) => [t.id, t]));
  assert.equal(byId[2].confirmed_rank, 1);
  assert.equal(byId[2].title, "Tourism, reworded");
  assert.equal(byId[1].confirmed_rank, 2);
  assert.equal(byId[3].confirmed_rank, null);
  assert.deepEqual(room.state.priorities.confirmed.map((t) => t.id), [2, 1]);
});
