// Step 3 on every view: the working groups, their boards, their syntheses. The reducer
// keeps the `groups` part of a snapshot in step with the events (see docs/protocol.md).
// A phone keeps only its own group's board and members (the others' sizes in
// `member_count`); the console and the projector keep all.

const EMPTY_BOARD = () => ({ objectives: [], actors: [], actions: [] });

function upsert(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) list.push(item);
  else list[i] = { ...list[i], ...item };
}

function boardOf(groups, groupId, create) {
  const key = String(groupId);
  if (!groups.boards[key] && create) groups.boards[key] = EMPTY_BOARD();
  return groups.boards[key];
}

/** How many people are in `group`: its members, or (another group, on a phone) its
 *  count. */
export function memberCount(group) {
  return Array.isArray(group.members) ? group.members.length : group.member_count || 0;
}

/** Move a person out of `from` and into `to` (group ids or null) in every group this
 *  client keeps the members of, and in the counts of the others. */
function moveMember(g, personId, from, to) {
  for (const group of g.list) {
    if (Array.isArray(group.members)) {
      group.members = group.members.filter((id) => id !== personId);
      if (group.id === to) group.members.push(personId);
    } else {
      if (group.id === from) group.member_count = Math.max(0, (group.member_count || 0) - 1);
      if (group.id === to) group.member_count = (group.member_count || 0) + 1;
    }
  }
}

/** The members of this phone's group it cannot name (moved in by the facilitators: the
 *  event carries ids only); a fresh snapshot names them. */
export function unnamedMembers(state) {
  const g = state.groups;
  const mine = g && g.my_group_id ? g.list.find((x) => x.id === g.my_group_id) : null;
  if (!mine || !Array.isArray(mine.members)) return [];
  return mine.members.filter((id) => !state.participants.list.some((p) => p.id === id));
}

/** Whether this client keeps the board of `groupId` (a phone keeps its own only). */
function keeps(state, groupId) {
  const g = state.groups;
  return !("my_group_id" in g) || g.my_group_id === groupId;
}

export function applySteps3(state, event) {
  const g = state.groups;
  if (!g) return;
  const d = event.data;
  switch (event.type) {
    case "groups.formed":
      for (const group of d.groups) {
        const known = g.list.find((x) => x.id === group.id);
        // a phone counts the members of the groups but its own
        const counted = "my_group_id" in g && group.id !== g.my_group_id;
        upsert(g.list, counted ? { member_count: known ? memberCount(known) : 0, ...group }
          : { members: known ? known.members || [] : [], ...group });
      }
      g.settings = d.settings;
      break;
    case "groups.settings":
      g.settings = d;
      break;
    case "group.updated":
      upsert(g.list, d.group);
      break;
    case "participants.grouped":
      for (const move of d.moves) {
        moveMember(g, move.participant_id, move.previous_group_id, move.group_id);
        const person = state.participants.list.find((p) => p.id === move.participant_id);
        if (person) person.group_id = move.group_id;
        // a phone that moved gets `resync` and then a fresh snapshot with its new board
      }
      break;
    case "participant.removed": // removed or forgotten: out of their group
      // (a phone's count of another group waits for its next snapshot: the event
      // names nobody's group)
      for (const group of g.list) {
        if (Array.isArray(group.members)) group.members = group.members.filter((id) => id !== d.participant_id);
      }
      break;
    case "participant.joined":
      if (d.participant.group_id != null) {
        const group = g.list.find((x) => x.id === d.participant.group_id);
        if (group && !Array.isArray(group.members)) group.member_count = (group.member_count || 0) + 1;
        else if (group && !group.members.includes(d.participant.id)) group.members.push(d.participant.id);
      }
      break;
    case "synthesis.saved": {
      const s = d.synthesis;
      const i = g.syntheses.findIndex((x) => x.group_id === s.group_id && x.substep === s.substep);
      if (i === -1) g.syntheses.push(s);
      else g.syntheses[i] = s;
      break;
    }
    default: {
      const match = /^(objective|actor|action)\.(saved|removed)$/.exec(event.type);
      if (!match) return;
      const [, kind, what] = match;
      const entry = what === "saved" ? d[kind] : d;
      if (!keeps(state, entry.group_id)) return;
      const board = boardOf(g, entry.group_id, true);
      const list = kind + "s";
      if (what === "saved") upsert(board[list], entry);
      else board[list] = board[list].filter((x) => x.id !== entry.id);
    }
  }
}

/** The group with this id, or undefined. */
export function groupById(state, id) {
  return state.groups ? state.groups.list.find((g) => g.id === id) : undefined;
}

/** A group's board (empty lists when it has no entry yet). */
export function board(state, groupId) {
  return (state.groups && state.groups.boards[String(groupId)]) || EMPTY_BOARD();
}

/** The synthesis a group wrote for a sub-step, or "". */
export function synthesisOf(state, groupId, substep) {
  const s = state.groups && state.groups.syntheses.find(
    (x) => x.group_id === groupId && x.substep === substep);
  return s ? s.text : "";
}
