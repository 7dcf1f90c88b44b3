// The room as every view keeps it: the snapshot `sync` gave, then each event applied once,
// in its stream's order (see docs/protocol.md). Pure: no page, no socket, so Node's tests
// load it; the live client (core/live.js) calls it, and each view adds its steps' reducers.

/** The seq of the last event applied from `event`'s stream (0: none yet). */
export function headOf(heads, event) {
  return heads[event.stream || "all"] || 0;
}

/** Whether `event` was applied already: its seq is not past its stream's head (a replay,
 *  an event a sync already brought). */
export function alreadyApplied(heads, event) {
  return event.seq <= headOf(heads, event);
}

/** Whether an event of `event`'s stream never reached this client: the seq of the
 *  stream's previous event (`prev`) is past the last one applied. */
export function missedBefore(heads, event) {
  return (event.prev || 0) > headOf(heads, event);
}

/** Apply `event` to `state` with every reducer, once: a replay changes nothing. Moves
 *  the stream's head (`heads`: stream -> seq); returns whether it was applied. */
export function applyInOrder(state, heads, event, reducers) {
  if (alreadyApplied(heads, event)) return false;
  for (const reduce of reducers) reduce(state, event);
  heads[event.stream || "all"] = event.seq;
  return true;
}

/** Apply an event to the state all views keep. Views add their own reducers. */
export function applyCommon(state, event) {
  const d = event.data;
  switch (event.type) {
    case "stage.changed":
      state.stage = { stage: d.stage, started_at: d.started_at };
      break;
    case "participant.joined": {
      const list = state.participants.list;
      if (!list.some((p) => p.id === d.participant.id)) {
        list.push(d.participant);
        const by = state.participants.by_profile;
        by[d.participant.profile] = (by[d.participant.profile] || 0) + 1;
      }
      break;
    }
    case "participant.updated": { // anonymised: a new name, no organisation
      const list = state.participants.list;
      const i = list.findIndex((p) => p.id === d.participant.id);
      if (i !== -1) list[i] = { ...list[i], ...d.participant };
      if (state.me && state.me.kind === "participant" && state.me.id === d.participant.id) {
        state.me = { ...state.me, name: d.participant.name, organisation: d.participant.organisation };
      }
      break;
    }
    case "participant.removed": { // removed by the facilitators, or forgotten: an id only
      const list = state.participants.list;
      const gone = list.find((p) => p.id === d.participant_id);
      if (gone) {
        state.participants.list = list.filter((p) => p !== gone);
        const by = state.participants.by_profile;
        if (by[gone.profile] > 1) by[gone.profile] -= 1;
        else delete by[gone.profile];
      }
      break;
    }
    case "joining.updated":
      state.joining = d;
      break;
    case "workshop.updated":
      state.workshop = d;
      break;
    case "workshop.closed":
    case "workshop.reopened":
      state.workshop = d.workshop;
      break;
  }
}

