// A room as a client holds it, for the reducers' tests: a snapshot shaped as
// docs/protocol.md describes it ("Catching up: sync"), the events the server would push
// next (each with its seq, stream and prev), and a client that applies them the way the
// live client does (core/room.js: once each, in its stream's order, every reducer in turn).
import { applyCommon, applyInOrder } from "../../static/js/core/room.js";
import { applySteps12 } from "../../static/js/steps/ideas-priorities.js";
import { applySteps3 } from "../../static/js/steps/groups.js";
import { applySteps4 } from "../../static/js/steps/shared-plan.js";

export const RANIA = { id: 1, name: "Rania Haddad", organisation: "IDAL", profile: "Ministry", group_id: null };
export const KARIM = { id: 2, name: "Karim Nassar", organisation: "Beirut Chamber", profile: "Private sector", group_id: null };
export const LEA = { id: 3, name: "Léa Khoury", organisation: "CDR", profile: "Ministry", group_id: null };

/** The snapshot a console (`as: "console"`) or Rania's phone (`as: "phone"`) gets at the
 *  start of the ideas stage, before anything was posted. */
export function snapshot({ as = "console" } = {}) {
  const phone = as === "phone";
  return {
    seq: 100,
    streams: phone ? { all: 100, p1: 80 } : { all: 100, facilitators: 95 },
    scope: phone ? "w1/p1/all,p1" : "w1/staff/all,facilitators,g*",
    server_time: "2015-10-20T09:00:00Z",
    workshop: { id: 1, title: "Lebanon's exports", language: "en", priority_count: 2, dots_per_participant: 3,
      profiles: ["Ministry", "Private sector"], partners: "", closed_at: null, plan_shared: false },
    stage: { stage: "ideas", started_at: "2015-10-20T08:55:00Z" },
    joining: { join_code: "KX7-PQ2", joining_open: true, join_url: "http://10.0.0.2:5000/j/KX7-PQ2" },
    participants: {
      list: [RANIA, KARIM, LEA].map((p) => ({ ...p })),
      by_profile: { Ministry: 2, "Private sector": 1 },
    },
    me: phone ? { kind: "participant", ...RANIA, rejoin_code: "4821-7730" } : { kind: "console", role: "owner" },
    ideas: { settings: { anonymous: false, input_locked: false, timer_ends_at: null },
      kinds: ["idea", "experience", "practice"], list: [], ...(phone ? { set_aside: [] } : {}) },
    priorities: {
      themes: [],
      voting: { open: false, revealed: false, allow_multiple: false, dots_per_participant: 3 },
      totals: phone ? null : [],
      results: null,
      confirmed: [],
      ...(phone ? { mine: { dots_left: 3, dots: [] } } : {}),
    },
    groups: { settings: { mode: "balanced", cap: 0, spotlight_group_id: null }, list: [], boards: {}, syntheses: [],
      ...(phone ? { my_group_id: null } : {}) },
    synergies: phone ? { list: [], my_proposals: [] } : { list: [], proposals: [] },
    shared_plan: { actions: [], measures: [] },
    closing: phone ? { factors: [], committee: [], my_membership: null } : { factors: [], committee: [], records: [] },
  };
}

/** The server's event log, from the snapshot's seq on: `next(type, data, stream)` is the
 *  next event pushed, with the seq of its stream's previous event as `prev`. */
export function log(snap) {
  let seq = snap.seq;
  const heads = { ...snap.streams };
  return (type, data, stream = "all") => {
    seq += 1;
    const event = { seq, type, stream, prev: heads[stream] || 0, data };
    heads[stream] = seq;
    return event;
  };
}

/** A client that took `snap` and applies events as the live client does, with every
 *  step's reducer (what the views console.js, projector.js and phone.js pass it). */
export function client(snap, reducers = [applySteps12, applySteps3, applySteps4]) {
  const state = structuredClone(snap);
  const heads = { ...snap.streams };
  return {
    state,
    heads,
    /** Apply events in the order given; returns how many were applied (not replays). */
    play(...events) {
      return events.filter((event) => applyInOrder(state, heads, event, [applyCommon, ...reducers])).length;
    },
  };
}

/** A card as the server sends it (docs/protocol.md, "A card"). */
export function card(id, text, { kind = "idea", theme_id = null, authors = [RANIA] } = {}) {
  return { id, text, kind, origin: "", merged_texts: [], theme_id, hidden: false,
    created_at: "2015-10-20T09:01:00Z", updated_at: "2015-10-20T09:01:00Z",
    authors: authors.map((a) => ({ id: a.id, name: a.name })) };
}

export function theme(id, title, position = id) {
  return { id, title, description: "", position, confirmed_rank: null };
}

/** A working group (docs/protocol.md, "A group"), without its members. */
export function group(id, title, rank = id) {
  return { id, theme_id: 10 + id, title, description: "", rank, retired: false, rapporteur_id: null };
}
