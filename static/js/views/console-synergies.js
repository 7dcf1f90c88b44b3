// Step 4 on the console, first stage: the synergies. What waits for the facilitator comes
// first: the synergies participants proposed from their phones (link their entries, or
// dismiss them), then the server's suggestions, each saying why (accept with a title,
// or reject: it is not offered again). Entries of different groups can be linked by
// hand, picked from the groups' boards. On the right, the map and the accepted synergies,
// each with undo. The shared plan and the closing are in console-plan.js and
// console-closing.js; this module hands them the state. Drawn from the state, morphed by id.
import { el, morph, on, userText } from "../core/dom.js";
import { fill, t, tn } from "../core/i18n.js";
import { pendingProposals, reasonText } from "../steps/shared-plan.js";
import { acceptedSynergies, activeGroups, board, entryWords, findEntry, groupBadge } from "./plan-pieces.js";
import { SynergyMap } from "./synergy-map.js";
import * as plan from "./console-plan.js";
import * as closing from "./console-closing.js";

const $ = (selector) => document.querySelector(selector);
const STEP4 = ["synergies", "shared_plan", "closing"];
const BOARD_CHANGE = /^(objective|actor|action)\.(saved|removed)$|^synergy\.(saved|removed)$/;
const KINDS = ["actor", "action", "objective"]; // the order entries are offered in
let ctx = null; // {client, run, say}: lent by console.js
let suggestions = null; // [{key, kind, group_ids, entries, because, evidence}] from synergies.suggest
// (`because`: the reason written in this console's language by the server it asked)
let suggesting = null; // the query in flight
let suggestTimer = null;
const titles = new Map(); // suggestion key -> the title typed here
let link = { title: "", note: "", picked: new Set(), proposal: null }; // the hand-link form
let map = null;

// decisions are for the facilitators, and a closed workshop takes none (corrections only)
const runs = () => Boolean($("[data-stage-next]")) && !(ctx && ctx.client.state && ctx.client.state.workshop.closed_at);
const keyOf = (entries) => entries.map((e) => `${e.kind}:${e.id}`).sort().join(",");

function kindName(kind) {
  return t(`c4_synergy_${kind}`) === `c4_synergy_${kind}` ? t("c4_synergy_manual") : t(`c4_synergy_${kind}`);
}

function personName(state, id) {
  const p = state.participants.list.find((x) => x.id === id);
  return p ? p.name : t("c4_someone");
}

/** An entry as one line: the group's badge, what kind of entry, its words. */
function entryLine(state, ref, tag = "li") {
  const entry = findEntry(state, ref);
  return el(tag, { class: `c4-entry c4-entry-${ref.kind}` }, groupBadge(state, ref.group_id), " ",
    el("span", { class: "c4-entry-kind" }, t(`c4_entry_${ref.kind}`)), " ",
    userText(entryWords(entry, ref.kind)));
}

function badges(state, groupIds) {
  return el("span", { class: "c4-badges" }, ...(groupIds || []).map((id) => groupBadge(state, id)));
}

// --- what waits: proposals from phones, suggestions ---------------------------------------

function renderProposals(state) {
  const waiting = pendingProposals(state);
  $("[data-c4-proposals-head]").hidden = !waiting.length;
  morph($("[data-c4-proposals]"), waiting.map((p) => el("li", { id: `c4-proposal-${p.id}`,
    class: `c4-item c4-proposal${link.proposal === p.id ? " answering" : ""}` },
  el("p", { class: "c4-item-text", dir: "auto" }, p.text),
  el("p", { class: "c4-meta" }, t("c4_proposed_by"), userText(personName(state, p.author_id)),
    p.group_ids && p.group_ids.length ? badges(state, p.group_ids) : null),
  runs() ? el("p", { class: "card-actions" },
    el("button", { type: "button", class: "small", dataset: { c4: "proposal-link", id: p.id } },
      link.proposal === p.id ? t("c4_linking_now") : t("c4_link_its_entries")),
    el("button", { type: "button", class: "link danger", dataset: { c4: "proposal-dismiss", id: p.id } }, t("c4_dismiss")))
    : null)));
  return waiting.length;
}

function suggestionTitle(state, s) {
  if (s.kind === "shared_actor" && s.evidence && s.evidence.names) return s.evidence.names[0];
  const first = s.entries.map((ref) => findEntry(state, ref)).find(Boolean);
  const words = first ? entryWords(first, s.entries[0].kind) : "";
  return words.length > 200 ? `${words.slice(0, 199)}…` : words;
}

function renderSuggestions(state) {
  const box = $("[data-c4-suggestions]");
  if (suggestions === null) {
    morph(box, [el("li", { class: "hint", id: "c4-suggestions-wait" }, t("c4_looking_for_synergies"))]);
    return 0;
  }
  const decided = new Set(state.synergies.list.map((s) => keyOf(s.entries)));
  const open = suggestions.filter((s) => !decided.has(s.key));
  morph(box, open.length ? open.map((s) => {
    const title = titles.has(s.key) ? titles.get(s.key) : suggestionTitle(state, s);
    return el("li", { id: `c4-sug-${s.key.replace(/[^a-z0-9]/gi, "-")}`, class: "c4-item c4-suggestion" },
      el("p", { class: "c4-meta" }, el("span", { class: "c4-kind" }, kindName(s.kind)), badges(state, s.group_ids)),
      el("p", { class: "c4-because", dir: "auto" }, s.because),
      el("ul", { class: "c4-entries" }, ...s.entries.map((ref) => entryLine(state, ref))),
      runs() ? el("form", { class: "c4-decide", dataset: { c4Suggestion: s.key } },
        el("input", { type: "text", name: "title", id: `c4-sug-title-${s.key.replace(/[^a-z0-9]/gi, "-")}`, maxlength: 200,
          dir: "auto", value: title, autocomplete: "off", "aria-label": t("c4_synergy_title") }),
        el("button", { type: "submit", class: "small" }, t("c4_accept")),
        el("button", { type: "button", class: "secondary small", dataset: { c4: "reject", key: s.key } }, t("c4_reject")))
        : null);
  }) : [el("li", { class: "hint", id: "c4-suggestions-none" }, t("c4_no_synergy_suggestions"))]);
  return open.length;
}

// --- linking by hand ----------------------------------------------------------------------

function renderLinkForm(state) {
  const form = $("[data-c4-link-form]");
  if (!form) return;
  const f = form.elements;
  if (document.activeElement !== f.title) f.title.value = link.title;
  if (document.activeElement !== f.note) f.note.value = link.note;
  const proposal = link.proposal && (state.synergies.proposals || []).find((p) => p.id === link.proposal);
  if (link.proposal && (!proposal || proposal.status !== "pending")) link.proposal = null; // decided elsewhere
  const answering = $("[data-c4-link-proposal]");
  answering.hidden = !link.proposal;
  morph(answering, link.proposal ? [el("p", { id: "c4-answering-text" }, el("strong", {}, t("c4_answering_proposal")), " ",
    el("span", { dir: "auto" }, proposal.text), " ",
    el("button", { type: "button", class: "link", dataset: { c4: "link-clear" } }, t("cancel"))),
  el("p", { id: "c4-answering-hint", class: "hint" }, t("c4_pick_entries_for_proposal"))] : []);
  // the groups a proposal names come first
  const named = new Set(proposal ? proposal.group_ids : []);
  const groups = activeGroups(state).slice().sort((a, b) => (named.has(b.id) - named.has(a.id)));
  const known = new Set();
  morph($("[data-c4-link-boards]"), groups.map((group) => {
    const b = board(state, group.id);
    const items = KINDS.flatMap((kind) => b[`${kind}s`].map((entry) => {
      const value = `${kind}:${entry.id}`;
      known.add(value);
      return el("label", { class: "check pick c4-pick", id: `c4-pick-${kind}-${entry.id}` },
        el("input", { type: "checkbox", name: "entry", value, checked: link.picked.has(value),
          dataset: { group: group.id } }),
        el("span", { class: "c4-entry-kind" }, t(`c4_entry_${kind}`)), " ", userText(entryWords(entry, kind)));
    }));
    return el("fieldset", { class: `picker c4-pick-group${named.has(group.id) ? " named" : ""}`, id: `c4-pick-g${group.id}` },
      el("legend", {}, groupBadge(state, group.id), " ", userText(group.title),
        named.has(group.id) ? el("span", { class: "tag" }, t("c4_named_in_proposal")) : null),
      items.length ? items : el("p", { class: "hint" }, t("c4_board_empty")));
  }));
  for (const value of [...link.picked]) if (!known.has(value)) link.picked.delete(value); // removed meanwhile
  const chosenGroups = new Set([...form.querySelectorAll("input[name=entry]:checked")].map((x) => x.dataset.group));
  $("[data-c4-link-count]").textContent = link.picked.size
    ? `${tn("c4_n_ticked", link.picked.size)} · ${tn("c4_n_groups", chosenGroups.size)}` : "";
  $("[data-c4-link-submit]").textContent = link.proposal ? t("c4_link_and_answer") : t("c4_link_them");
}

function linkedEntries(state) {
  return [...link.picked].map((value) => {
    const [kind, id] = value.split(":");
    const found = activeGroups(state).find((g) => board(state, g.id)[`${kind}s`].some((x) => x.id === Number(id)));
    return { kind, id: Number(id), group_id: found ? found.id : null };
  });
}

// --- decided: the map, accepted synergies, rejected ones -----------------------------------

function renderDecided(state) {
  const accepted = acceptedSynergies(state);
  $("[data-c4-synergy-count]").textContent = String(accepted.length);
  const inPlan = new Map();
  for (const action of state.shared_plan ? state.shared_plan.actions : []) {
    if (action.synergy_id) inPlan.set(action.synergy_id, action);
  }
  const fromPhone = new Map((state.synergies.proposals || []).filter((p) => p.synergy_id).map((p) => [p.synergy_id, p]));
  // the newest first: what was just decided is in view
  morph($("[data-c4-synergies]"), accepted.length ? accepted.slice().reverse().map((s) => el("li", { id: `c4-synergy-${s.id}`, class: "c4-item c4-accepted" },
    el("p", { class: "c4-item-title" }, el("strong", { dir: "auto" }, s.title)),
    el("p", { class: "c4-meta" }, el("span", { class: "c4-kind" }, kindName(s.kind)),
      fromPhone.has(s.id) ? el("span", { class: "c4-kind" }, " · ", t("c4_from_a_phone")) : null, " ", badges(state, s.group_ids)),
    el("ul", { class: "c4-entries" }, ...s.entries.map((ref) => entryLine(state, ref))),
    reasonText(s.reason) ? el("p", { class: "c4-because" }, reasonText(s.reason)) : null,
    s.note ? el("p", { class: "c4-note", dir: "auto" }, s.note) : null,
    inPlan.has(s.id) ? el("p", { class: "c4-in-plan" }, t("c4_in_the_plan"), " ", userText(inPlan.get(s.id).title)) : null,
    runs() ? el("p", { class: "card-actions" },
      el("button", { type: "button", class: "link", dataset: { c4: "undo-synergy", id: s.id } }, t("c4_undo"))) : null))
    : [el("li", { class: "hint", id: "c4-synergies-none" }, t("c4_no_synergies_yet"))]);
  const rejected = state.synergies.list.filter((s) => s.status === "rejected");
  const box = $("[data-c4-rejected-box]");
  box.hidden = !rejected.length;
  $("[data-c4-rejected-count]").textContent = String(rejected.length);
  morph($("[data-c4-rejected]"), rejected.map((s) => el("li", { id: `c4-rejected-${s.id}`, class: "c4-item" },
    el("p", { class: "c4-meta" }, el("span", { class: "c4-kind" }, kindName(s.kind)), " ", badges(state, s.group_ids)),
    el("ul", { class: "c4-entries" }, ...s.entries.map((ref) => entryLine(state, ref))),
    runs() ? el("button", { type: "button", class: "link", dataset: { c4: "unreject", id: s.id } }, t("c4_suggest_again")) : null)));
}

// --- the closed banner, on every stage -----------------------------------------------------

function renderClosedBanner(state) {
  const banner = $("[data-c4-closed-banner]");
  if (!banner) return;
  banner.hidden = !state.workshop.closed_at || state.stage.stage === "closing"; // the closing shows its own
}

// --- querying the suggestions ---------------------------------------------------------------

async function suggest(where = null) {
  if (!ctx || suggesting) return;
  clearTimeout(suggestTimer);
  suggestTimer = null;
  suggesting = ctx.client.query("synergies.suggest");
  const ack = await suggesting;
  suggesting = null;
  if (!ack.ok) {
    if (where) ctx.say(where, ack.error.message, "error");
    return;
  }
  suggestions = ack.suggestions.map((s) => ({ ...s, key: keyOf(s.entries) }));
  if (where) {
    ctx.say(where, suggestions.length ? tn("c4_n_synergy_suggestions", suggestions.length) : t("c4_no_synergy_suggestions"),
      suggestions.length ? "ok" : "info");
  }
  redraw();
}

function suggestSoon() {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(() => suggest(), 1000);
}

// --- drawing ---------------------------------------------------------------------------------

export function render(state, event) {
  if (!state.synergies || !state.shared_plan || !state.closing) return;
  renderClosedBanner(state);
  const stage = state.stage.stage;
  document.body.classList.toggle("workshop-closed", Boolean(state.workshop.closed_at));
  if (!STEP4.includes(stage)) return;
  if (stage === "synergies") {
    if (suggestions === null && !suggesting) suggest();
    else if (event && BOARD_CHANGE.test(event.type)) suggestSoon();
    const waiting = renderProposals(state) + renderSuggestions(state);
    $("[data-c4-waiting-count]").textContent = String(waiting);
    renderLinkForm(state);
    renderDecided(state);
    if (map) map.update(event);
  } else if (event && event.type === "stage.changed") {
    suggestions = null; // looked for again when the room comes back to the synergies
  }
  plan.render(state, event);
  closing.render(state, event);
}

const redraw = () => ctx && ctx.client.state && render(ctx.client.state);

// --- actions ---------------------------------------------------------------------------------

function suggestionByKey(key) {
  return (suggestions || []).find((s) => s.key === key);
}

async function decide(suggestion, status, title) {
  const ack = await ctx.run("synergy.decide", {
    // the reason is not sent as the note: the server keeps it as data, and every page
    // (and the plan) writes it in its reader's language
    entries: suggestion.entries.map((e) => ({ kind: e.kind, id: e.id })), status, title,
    note: "", kind: suggestion.kind,
  }, "synergies", status === "accepted" ? fill(t("c4_synergy_accepted"), { title }) : t("c4_synergy_rejected"));
  if (ack.ok) {
    titles.delete(suggestion.key);
    suggestions = suggestions.filter((s) => s.key !== suggestion.key);
  }
  redraw();
  return ack;
}

on(document, "submit", "[data-c4-suggestion]", async (form, event) => {
  event.preventDefault();
  const s = suggestionByKey(form.dataset.c4Suggestion);
  if (!s) return;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  await decide(s, "accepted", form.elements.title.value);
  button.disabled = false;
});
on(document, "input", "[data-c4-suggestion] input[name=title]", (input) => {
  titles.set(input.closest("form").dataset.c4Suggestion, input.value);
});

on(document, "input", "[data-c4-link-form]", (form, event) => {
  if (event.target.name === "title") link.title = event.target.value;
  if (event.target.name === "note") link.note = event.target.value;
});
on(document, "change", "[data-c4-link-form] input[name=entry]", (box) => {
  if (box.checked) link.picked.add(box.value); else link.picked.delete(box.value);
  redraw();
});
on(document, "submit", "[data-c4-link-form]", async (form, event) => {
  event.preventDefault();
  const state = ctx.client.state;
  const entries = linkedEntries(state);
  if (new Set(entries.map((e) => e.group_id)).size < 2) {
    ctx.say("link", t("c4_pick_two_groups"), "error");
    return;
  }
  const title = link.title;
  const ack = await ctx.run("synergy.decide", {
    entries: entries.map((e) => ({ kind: e.kind, id: e.id })), status: "accepted", title, note: link.note,
    kind: "manual", ...(link.proposal ? { proposal_id: link.proposal } : {}),
  }, "link", fill(t("c4_synergy_accepted"), { title: title.trim() }));
  if (ack.ok) link = { title: "", note: "", picked: new Set(), proposal: null };
  redraw();
});

on(document, "click", "[data-c4]", async (node) => {
  if (!ctx) return undefined;
  const action = node.dataset.c4;
  const state = ctx.client.state;
  const id = Number(node.dataset.id);
  if (action === "suggest") return suggest("synergies");
  if (action === "reject") {
    const s = suggestionByKey(node.dataset.key);
    return s ? decide(s, "rejected", "") : undefined;
  }
  if (action === "proposal-link") {
    const proposal = (state.synergies.proposals || []).find((p) => p.id === id);
    if (!proposal) return undefined;
    link = { title: proposal.text.slice(0, 200), note: "", picked: new Set(), proposal: proposal.id };
    redraw();
    const title = $("[data-c4-link-form] [name=title]");
    title.value = link.title;
    return title.focus();
  }
  if (action === "proposal-dismiss") {
    if (link.proposal === id) link.proposal = null;
    return ctx.run("synergy.dismiss", { proposal_id: id }, "synergies", t("c4_proposal_dismissed"));
  }
  if (action === "link-clear") {
    link = { title: "", note: "", picked: new Set(), proposal: null };
    const form = $("[data-c4-link-form]");
    if (form) { form.elements.title.value = ""; form.elements.note.value = ""; }
    return redraw();
  }
  if (action === "undo-synergy") {
    const s = state.synergies.list.find((x) => x.id === id);
    return ctx.run("synergy.remove", { synergy_id: id }, "accepted",
      s ? fill(t("c4_synergy_undone"), { title: s.title }) : t("saved"));
  }
  if (action === "unreject") {
    const ack = await ctx.run("synergy.remove", { synergy_id: id }, "accepted", t("c4_offered_again"));
    if (ack.ok) suggest();
    return ack;
  }
  return undefined;
});

/** console.js lends its client and its way of answering next to a control. */
export function setup(lent) {
  ctx = lent;
  const box = $("[data-c4-map]");
  if (box) {
    map = new SynergyMap(box, { onDrawn: () => {
      const opener = $("[data-c4-map-link]");
      if (opener) opener.hidden = box.dataset.map !== "drawn";
    } });
  }
  plan.setup(lent);
  closing.setup(lent);
}
