// Step 4's pieces the console and the projector both draw: the priorities (confirmed
// themes) a shared action serves, the entries a synergy links, success factors by
// endorsements, dates. Text is always set as text; a person's words are isolated for
// direction (userText, dir="auto").
import { el, userText } from "../core/dom.js";
import { pageLang, t } from "../core/i18n.js";
import { activeGroups, board, formatDate, groupById } from "./board.js";

export { activeGroups, board, formatDate, groupById };

/** The confirmed priorities, by rank. */
export function priorities(state) {
  return (state.priorities.confirmed && state.priorities.confirmed.length
    ? state.priorities.confirmed : state.priorities.themes.filter((th) => th.confirmed_rank))
    .slice().sort((a, b) => a.confirmed_rank - b.confirmed_rank);
}

export function priorityById(state, id) {
  return state.priorities.themes.find((th) => th.id === id)
    || (state.priorities.confirmed || []).find((th) => th.id === id);
}

/** "1", "2": the ranks of the priorities a shared action serves, in rank order. */
export function servedRanks(state, themeIds) {
  return (themeIds || []).map((id) => priorityById(state, id)).filter((th) => th && th.confirmed_rank)
    .sort((a, b) => a.confirmed_rank - b.confirmed_rank);
}

/** A working group's number as the room says it (its priority's rank). */
export function groupNumber(state, groupId) {
  const group = groupById(state, groupId);
  return group && group.rank ? group.rank : "?";
}

/** The group a badge names: "2" in a round mark, its title in the tooltip. */
export function groupBadge(state, groupId) {
  const group = groupById(state, groupId);
  return el("span", { class: "group-badge", title: group ? group.title : null },
    `${t("c4_group_short")} ${groupNumber(state, groupId)}`);
}

/** An entry of a group's board ({kind, id, group_id}), found in the state, or null. */
export function findEntry(state, ref) {
  const b = board(state, ref.group_id);
  return (b[`${ref.kind}s`] || []).find((x) => x.id === ref.id) || null;
}

/** The words of an entry: an objective's text, an actor's name, an action's title. */
export function entryWords(entry, kind) {
  if (!entry) return t("c4_entry_gone_short");
  return kind === "actor" ? entry.name : kind === "action" ? entry.title : entry.text;
}

/** A group action, wherever it is ({action, group}), or null. */
export function findAction(state, actionId) {
  for (const group of state.groups ? state.groups.list : []) {
    const action = board(state, group.id).actions.find((a) => a.id === actionId);
    if (action) return { action, group };
  }
  return null;
}

export function synergyById(state, id) {
  return state.synergies ? state.synergies.list.find((s) => s.id === id) : undefined;
}

export function acceptedSynergies(state) {
  return state.synergies ? state.synergies.list.filter((s) => s.status === "accepted") : [];
}

/** Success factors, the most endorsed first (then the oldest). */
export function sortedFactors(state) {
  return (state.closing ? state.closing.factors : []).slice()
    .sort((a, b) => (b.endorsements || []).length - (a.endorsements || []).length || a.id - b.id);
}

/** "A, B and C" in the page's language. */
export function listOf(names) {
  try {
    return new Intl.ListFormat(pageLang(), { type: "conjunction" }).format(names);
  } catch {
    return names.join(", ");
  }
}

/** Names, each isolated for direction, joined with commas. */
export function namesLine(names) {
  const comma = pageLang() === "ar" ? "، " : ", ";
  return names.flatMap((n, i) => [i ? comma : "", userText(n)]);
}

/** A date and time from the server ("2015-10-20T16:05:00Z") in the page's language. */
export function formatMoment(iso) {
  if (!iso) return "";
  try {
    return new Intl.DateTimeFormat(`${pageLang()}-u-nu-latn`, { dateStyle: "medium", timeStyle: "short" })
      .format(new Date(iso));
  } catch {
    return iso;
  }
}
