// Steps 1 and 2 on every view: the cards, the themes, the dots. The reducer keeps the
// `ideas` and `priorities` parts of a snapshot in step with the events (see
// docs/protocol.md); `ranking` orders the themes by dots. Pure: Node's tests load it.
// What the views draw from it is in views/cards.js.

function upsert(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i === -1) list.push(item);
  else list[i] = { ...list[i], ...item };
}

function removeIds(list, ids) {
  const gone = new Set(ids);
  return list.filter((x) => !gone.has(x.id));
}

// A phone holds the wall a page at a time (docs/protocol.md, the snapshot's `ideas`):
// every card from `before` on (null: every card), its own whatever their age, and
// `earlier` counts the others' cards below `before`, read with `ideas.page`.

/** Whether this client holds only part of the wall (a phone). */
export function isPaged(ideas) {
  return "before" in ideas;
}

/** Whether a card with this id belongs to the part of the wall this client holds. */
function holds(ideas, id) {
  return !isPaged(ideas) || ideas.before === null || id >= ideas.before;
}

function insertById(list, card) {
  const at = list.findIndex((c) => c.id > card.id);
  list.splice(at === -1 ? list.length : at, 0, card);
}

/** A card added or changed. A phone puts a card it did not hold in id order if it is in
 *  the part it holds (a card restored by the facilitator), or if it is now its own (one
 *  of its cards was merged into it: `idea.set_aside` came first); another older one
 *  waits to be read with the earlier cards. */
function saveCard(ideas, card, seq) {
  if (!isPaged(ideas) || ideas.list.some((c) => c.id === card.id)) upsert(ideas.list, card);
  else if (holds(ideas, card.id)) insertById(ideas.list, card);
  else if ((ideas.set_aside || []).some((c) => c.status === "merged" && c.merged_into === card.id)) {
    insertById(ideas.list, { ...card, mine: true });
    if (seq > (ideas.read_at || 0)) ideas.earlier = Math.max(0, (ideas.earlier || 0) - 1);
  }
}

/** Cards off the wall. A phone's `earlier` loses those it counted there (unless a page
 *  read after this event counted them already). */
function dropCards(ideas, ids, seq) {
  if (isPaged(ideas) && seq > (ideas.read_at || 0)) {
    const held = new Set(ideas.list.map((c) => c.id));
    const counted = ids.filter((id) => !held.has(id) && !holds(ideas, id)).length;
    ideas.earlier = Math.max(0, (ideas.earlier || 0) - counted);
  }
  ideas.list = removeIds(ideas.list, ids);
}

/** An `ideas.page` answer: earlier cards, in id order among those held; what is left. */
export function addPage(state, page) {
  const ideas = state.ideas;
  for (const card of page.cards) if (!ideas.list.some((c) => c.id === card.id)) insertById(ideas.list, card);
  ideas.before = page.before;
  ideas.earlier = page.earlier;
  ideas.read_at = page.seq;
}

export function applySteps12(state, event) {
  const d = event.data;
  const ideas = state.ideas;
  const pr = state.priorities;
  switch (event.type) {
    case "idea.posted":
    case "idea.updated":
      saveCard(ideas, d.idea, event.seq);
      break;
    case "idea.merged":
      saveCard(ideas, d.idea, event.seq);
      dropCards(ideas, d.merged || [], event.seq);
      break;
    case "idea.removed":
      dropCards(ideas, d.ids, event.seq);
      break;
    case "ideas.settings":
      ideas.settings = { ...ideas.settings, anonymous: d.anonymous, input_locked: d.input_locked,
        timer_ends_at: d.timer_ends_at };
      for (const a of d.authors || []) {
        const card = ideas.list.find((c) => c.id === a.id);
        if (card) card.authors = a.authors;
      }
      if (d.anonymous) for (const card of ideas.list) if (!state.me.role) delete card.authors;
      break;
    case "timer.started":
    case "timer.stopped":
      ideas.settings.timer_ends_at = d.ends_at;
      break;
    case "theme.created":
    case "theme.updated":
      upsert(pr.themes, d.theme);
      break;
    case "theme.merged":
      upsert(pr.themes, d.theme);
      pr.themes = removeIds(pr.themes, d.merged);
      for (const card of ideas.list) if (d.ideas.includes(card.id)) card.theme_id = d.theme.id;
      break;
    case "theme.unmerged":
      upsert(pr.themes, d.theme);
      pr.themes.sort((a, b) => a.position - b.position || a.id - b.id);
      for (const card of ideas.list) if (d.ideas.includes(card.id)) card.theme_id = d.theme.id;
      break;
    case "theme.deleted":
      pr.themes = removeIds(pr.themes, [d.id]);
      for (const card of ideas.list) if (card.theme_id === d.id) card.theme_id = null;
      break;
    case "idea.assigned": {
      const card = ideas.list.find((c) => c.id === d.idea_id);
      if (card) card.theme_id = d.theme_id;
      break;
    }
    case "voting.updated":
      pr.voting = d;
      if (!d.revealed && !state.me.role) { // hidden again: phones and projector forget
        pr.totals = null;
        pr.results = null;
      }
      break;
    case "votes.updated":
      pr.totals = d.totals;
      if (d.voters !== undefined) pr.voting = { ...pr.voting, voters: d.voters };
      break;
    case "votes.turnout": // before the reveal: how many have voted, no dots
      pr.voting = { ...pr.voting, voters: d.voters };
      break;
    case "votes.revealed":
      pr.results = d.results;
      pr.totals = d.results.map((r) => ({ theme_id: r.theme.id, dots: r.dots }));
      break;
    case "dots.mine":
      pr.mine = d;
      break;
    case "priorities.confirmed": {
      pr.confirmed = d.priorities;
      const ranks = new Map(d.priorities.map((p) => [p.id, p]));
      for (const theme of pr.themes) {
        const confirmed = ranks.get(theme.id);
        theme.confirmed_rank = confirmed ? confirmed.confirmed_rank : null;
        if (confirmed) Object.assign(theme, confirmed);
      }
      break;
    }
  }
}

/** Dots per theme: from the totals clients receive (facilitators always, others once
 *  revealed), most first. A tie is flagged only where it crosses the cut (the last
 *  priority's place): themes tied inside the top N, or below it, are chosen or not
 *  alike, so the room has nothing to settle there (as priorities.results says). */
export function ranking(state) {
  const pr = state.priorities;
  if (!pr.totals) return null;
  const dots = new Map(pr.totals.map((x) => [x.theme_id, x.dots]));
  const rows = pr.themes.map((theme) => ({ theme, dots: dots.get(theme.id) || 0 }));
  rows.sort((a, b) => b.dots - a.dots || a.theme.position - b.theme.position || a.theme.id - b.theme.id);
  const cut = state.workshop.priority_count;
  const atCut = rows.length > cut && rows[cut - 1].dots === rows[cut].dots ? rows[cut].dots : null;
  for (const r of rows) {
    r.rank = 1 + rows.filter((o) => o.dots > r.dots).length;
    r.tied = atCut !== null && r.dots === atCut;
  }
  return rows;
}
