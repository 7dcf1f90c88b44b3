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

/** Whether this state is a phone's, whose participants' list holds only the people it
 *  shows: itself and its group's members (docs/protocol.md, the snapshot's
 *  `participants`); the rest of the room is in its counts. */
export function isPhone(state) {
  return Boolean(state.me && state.me.kind === "participant");
}

/** The group of this phone, or null (none yet, or not a phone). */
function myGroupId(state) {
  return (state.groups && state.groups.my_group_id) || null;
}

/** Apply an event to the state all views keep. Views add their own reducers. */
export function applyCommon(state, event) {
  const d = event.data;
  switch (event.type) {
    case "stage.changed":
      state.stage = { stage: d.stage, started_at: d.started_at };
      break;
    case "participant.joined": {
      const people = state.participants;
      const person = d.participant;
      if (people.list.some((p) => p.id === person.id)) break;
      // a phone names only its own group's members; the others are counted
      if (!isPhone(state) || (person.group_id != null && person.group_id === myGroupId(state))) {
        people.list.push(person);
      }
      people.by_profile[person.profile] = (people.by_profile[person.profile] || 0) + 1;
      if ("count" in people) people.count += 1;
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
      const people = state.participants;
      const gone = people.list.find((p) => p.id === d.participant_id);
      if (gone) people.list = people.list.filter((p) => p !== gone);
      // a phone counts everyone and names its group's people without their profile:
      // its counts by profile wait for its next snapshot when it does not know it
      if (gone && gone.profile !== undefined) {
        const by = people.by_profile;
        if (by[gone.profile] > 1) by[gone.profile] -= 1;
        else delete by[gone.profile];
      }
      if ("count" in people) people.count = Math.max(0, people.count - 1);
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

