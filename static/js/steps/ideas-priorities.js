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

export function applySteps12(state, event) {
  const d = event.data;
  const ideas = state.ideas;
  const pr = state.priorities;
  switch (event.type) {
    case "idea.posted":
    case "idea.updated":
      upsert(ideas.list, d.idea);
      break;
    case "idea.merged":
      upsert(ideas.list, d.idea);
      ideas.list = removeIds(ideas.list, d.merged || []);
      break;
    case "idea.removed":
      ideas.list = removeIds(ideas.list, d.ids);
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
