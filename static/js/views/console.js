// The facilitator's console: where the room is, moving it, and the stage's own work.
// Everything is drawn from the state (a snapshot kept up to date by the events) and
// morphed into the page by key (core/dom.js), so an event never takes away what the
// facilitator is typing, ticking or scrolling. Clicks are delegated (data-action).
import { LiveClient } from "../core/live.js";
import { config, showConnection, showStage, stageInfo } from "../core/page.js";
import { el, morph, on, setText, showError, showFor, userText } from "../core/dom.js";
import { fill, labelled, t, tn } from "../core/i18n.js";
import { applySteps12, ranking } from "../steps/ideas-priorities.js";
import { applySteps3 } from "../steps/groups.js";
import { applySteps4 } from "../steps/shared-plan.js";
import { barChart, cardElement, startTimerDisplay } from "./cards.js";
import * as step3 from "./console-groups.js";
import * as step4 from "./console-synergies.js";

const $ = (selector) => document.querySelector(selector);
const runs = Boolean($("[data-stage-next]")); // co-facilitators and owners get controls
let client;

// what the facilitator is in the middle of: kept across every redraw
const selected = new Set(); // cards ticked (to merge at "ideas", to assign at "themes")
const confirmDraft = new Map(); // theme id -> {checked, title, description} typed here
let renaming = null; // {id, title}: the theme whose title is being edited inline
let merging = null; // {from, into}: a theme merge waiting for "yes"
let undo = null; // {label, run}: what "undo" puts back
let suggestions = []; // groups offered by "Suggest groupings", until assigned
let asking = null; // {id, action: "remove"|"anonymise"}: a participant's, waiting for "yes"

// --- answers next to the control that asked ---------------------------------------------

const feedbackTimers = new Map();
function say(where, message, kind = "ok") {
  const box = document.querySelector(`[data-feedback="${where}"]`) || $("[data-error]");
  if (!box) return;
  clearTimeout(feedbackTimers.get(where));
  box.textContent = message || "";
  box.hidden = !message;
  box.dataset.kind = kind;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  if (message && kind === "ok") {
    feedbackTimers.set(where, setTimeout(() => { box.hidden = true; }, 5000));
  }
}

/** Send a change; its answer shows in the panel `where`. */
async function run(name, payload, where, success) {
  say(where, null);
  const ack = await client.send(name, payload);
  if (ack.ok) {
    if (success) say(where, typeof success === "function" ? success(ack) : success);
  } else if (ack.pending) {
    say(where, t("will_be_sent"), "pending");
  } else {
    say(where, ack.error && ack.error.message, "error");
  }
  return ack;
}

// --- where the room is ------------------------------------------------------------------

function renderStage(state) {
  const current = showStage(state);
  document.body.dataset.stage = current.key;
  morph($("[data-stage-list]"), config.stages.map((stage) => el("li",
    { id: `stage-${stage.key}`, class: stage.key === current.key ? "current" : (stage.index < current.index ? "done" : "") },
    el("button", {
      type: "button", class: "link", dataset: { action: "stage", stage: stage.key },
      "aria-current": stage.key === current.key ? "step" : null, disabled: !runs,
    }, `${stage.step_number ? stage.step_number + "." : ""} ${stage.title}`))));
  const back = $("[data-stage-back]");
  const next = $("[data-stage-next]");
  if (back) back.disabled = !current.previous;
  if (next) {
    next.disabled = !current.next;
    next.textContent = current.next ? labelled(t("next"), stageInfo(current.next).title) : t("next");
  }
}

function renderJoining(state) {
  const j = state.joining;
  setText("[data-join-code]", j.join_code);
  setText("[data-join-url]", j.join_url);
  setText("[data-joining-state]", j.joining_open ? t("joining_open") : t("joining_closed"));
  const toggle = $("[data-joining-toggle]");
  if (toggle) toggle.textContent = j.joining_open ? t("close_joining") : t("open_joining");
}

function renderParticipants(state) {
  const { list, by_profile: byProfile } = state.participants;
  setText("[data-participant-count]", String(list.length));
  morph($("[data-profile-counts]"), Object.entries(byProfile)
    .sort((a, b) => b[1] - a[1])
    .map(([profile, n]) => el("li", {}, userText(profile), " ", el("strong", {}, n))));
  if (asking && !list.some((p) => p.id === asking.id)) asking = null;
  morph($("[data-participant-list]"), list.slice().reverse().map((p) =>
    el("li", { id: `participant-${p.id}` }, el("strong", {}, userText(p.name)),
      p.organisation ? [" · ", userText(p.organisation)] : "", el("span", { class: "tag" }, userText(p.profile)),
      runs ? personActions(p) : null)));
}

/** The participants' panel belongs to the welcome; "Show the list" in the bar opens it
 *  in a dialog at any stage, out of the stage's grid, and puts it back on closing. */
const peoplePanel = $("[data-people-panel]");
const peopleDialog = $("[data-people-dialog]");
const peopleHome = { parent: peoplePanel.parentElement, next: peoplePanel.nextElementSibling };

function showPeople() {
  if (peopleDialog.open) peoplePanel.hidden = false;
}

$("[data-people-toggle]")?.addEventListener("click", () => {
  peopleDialog.append(peoplePanel);
  peoplePanel.hidden = false;
  peopleDialog.showModal();
});
peopleDialog.addEventListener("close", () => {
  peopleHome.parent.insertBefore(peoplePanel, peopleHome.next);
  asking = null;
  redraw();
});

/** Anonymise or remove a participant (docs/privacy.md): each asks "yes?" first. */
function personActions(p) {
  const ask = asking && asking.id === p.id ? asking.action : null;
  return [el("span", { class: "card-actions person-actions" },
    el("button", { type: "button", class: "link", id: `anonymise-${p.id}`,
      dataset: { action: "person-ask", person: p.id, what: "anonymise" } }, t("anonymise")),
    el("button", { type: "button", class: "link danger", id: `remove-${p.id}`,
      dataset: { action: "person-ask", person: p.id, what: "remove" } }, t("remove"))),
  ask ? el("p", { class: "ask", role: "alert", id: `ask-person-${p.id}` },
    fill(t(ask === "remove" ? "confirm_remove_person" : "confirm_anonymise_person"), { name: p.name }), " ",
    el("button", { type: "button", class: ask === "remove" ? "small danger" : "small",
      dataset: { action: "person-yes" } }, t(ask === "remove" ? "remove" : "anonymise")),
    el("button", { type: "button", class: "secondary small", dataset: { action: "person-no" } }, t("cancel"))) : null];
}

async function answerPerson() {
  const { id, action } = asking;
  const person = client.state.participants.list.find((p) => p.id === id);
  asking = null;
  redraw();
  if (!person) return;
  await run(action === "remove" ? "participant.remove" : "participant.anonymise",
    { participant_id: id }, "people",
    fill(t(action === "remove" ? "person_removed" : "person_anonymised"), { name: person.name }));
}

function moveTo(stageKey) {
  const from = client.state.stage.stage;
  if (stageKey && stageKey !== from) {
    run("stage.change", { from_stage: from, to_stage: stageKey }, "stage",
      () => fill(t("moved_to"), { stage: stageInfo(stageKey).title }));
  }
}

// --- cards ------------------------------------------------------------------------------

function themeOptions(themes, chosen, empty) {
  return [el("option", { value: "" }, empty),
    ...themes.map((th) => el("option", { value: th.id, selected: th.id === chosen }, th.title))];
}

function renderCards(state) {
  const stage = state.stage.stage;
  const all = state.ideas.list;
  const themes = state.priorities.themes;
  setText("[data-card-count]", String(all.filter((c) => !c.hidden).length));
  for (const box of document.querySelectorAll("[data-setting]")) {
    box.checked = Boolean(state.ideas.settings[box.dataset.setting]);
  }
  for (const id of [...selected]) if (!all.some((c) => c.id === id && !c.hidden)) selected.delete(id);
  const merge = $("[data-merge]");
  if (merge) merge.disabled = selected.size < 2;
  const assignButton = $("[data-assign-selected]");
  if (assignButton) assignButton.disabled = !selected.size || !themes.length;
  const target = $("[data-assign-target]");
  if (target) morph(target, themeOptions(themes, Number(target.value) || null, t("choose_theme")));
  const looseOnly = stage === "themes" && $("[data-loose-only]") && $("[data-loose-only]").checked;
  const cards = all.filter((c) => !looseOnly || (!c.theme_id && !c.hidden)).slice().reverse();
  const list = $("[data-moderation]");
  morph(list, cards.length ? cards.map((card) => {
    const controls = !runs ? [] : [el("p", { class: "card-actions" },
      card.hidden ? null : el("label", { class: "check small" },
        el("input", { type: "checkbox", id: `select-${card.id}`, checked: selected.has(card.id),
          dataset: { select: card.id } }), t("select")),
      el("button", { type: "button", class: "link", dataset: { action: "edit-card", idea: card.id } }, t("edit")),
      el("button", { type: "button", class: "link", dataset: { action: card.hidden ? "restore" : "hide", idea: card.id } },
        card.hidden ? t("restore") : t("hide")),
      stage === "themes" && !card.hidden ? el("select", { id: `theme-of-${card.id}`, "aria-label": t("theme_of_card"),
        dataset: { assign: card.id } }, ...themeOptions(themes, card.theme_id, t("no_theme"))) : null)];
    return el("li", { id: `card-${card.id}`, draggable: runs && stage === "themes" && !card.hidden ? "true" : null,
      dataset: { card: card.id } }, cardElement(card, { extra: controls }));
  }) : [el("li", { id: "cards-empty", class: "hint" }, looseOnly ? t("all_cards_in_themes") : t("no_cards_yet"))]);
}

// --- themes -----------------------------------------------------------------------------

function dotsOf(state) {
  return new Map((state.priorities.totals || []).map((x) => [x.theme_id, x.dots]));
}

function renderThemes(state) {
  const { themes } = state.priorities;
  const dots = dotsOf(state);
  setText("[data-theme-count]", String(themes.length));
  const undoButton = $("[data-undo]");
  if (undoButton) {
    undoButton.hidden = !undo;
    undoButton.textContent = undo ? undo.label : "";
  }
  if (renaming && !themes.some((th) => th.id === renaming.id)) renaming = null;
  if (merging && !(themes.some((th) => th.id === merging.from) && themes.some((th) => th.id === merging.into))) merging = null;
  morph($("[data-theme-list]"), themes.length ? themes.map((theme) => {
    const cards = state.ideas.list.filter((c) => c.theme_id === theme.id);
    const others = themes.filter((o) => o.id !== theme.id);
    const head = renaming && renaming.id === theme.id
      ? el("form", { class: "rename-form", dataset: { rename: theme.id } },
        el("input", { type: "text", name: "title", id: `rename-${theme.id}`, maxlength: 120, value: renaming.title,
          dir: "auto", "aria-label": fill(t("rename_theme"), { title: theme.title }) }),
        el("button", { type: "submit", class: "small" }, t("save")),
        el("button", { type: "button", class: "secondary small", dataset: { action: "rename-cancel" } }, t("cancel")))
      : el("p", { class: "theme-head" }, el("strong", {}, userText(theme.title)), " ",
        el("span", { class: "count", "aria-label": tn("n_cards", cards.length) }, cards.length),
        theme.confirmed_rank ? el("span", { class: "tag" }, `${t("priority")} ${theme.confirmed_rank}`) : null);
    const actions = !runs ? null : el("p", { class: "card-actions" },
      el("button", { type: "button", class: "link", dataset: { action: "rename", theme: theme.id } }, t("rename")),
      others.length ? el("select", { id: `merge-${theme.id}`, "aria-label": fill(t("merge_theme_into"), { title: theme.title }),
        dataset: { mergeFrom: theme.id } }, el("option", { value: "" }, t("merge_into")),
      ...others.map((o) => el("option", { value: o.id, selected: merging && merging.from === theme.id && merging.into === o.id }, o.title))) : null,
      !cards.length && !dots.get(theme.id) && others.length
        ? el("button", { type: "button", class: "link danger", dataset: { action: "delete-theme", theme: theme.id } }, t("delete")) : null);
    const ask = merging && merging.from === theme.id ? el("p", { class: "ask", role: "alert" },
      fill(t("confirm_merge"), { from: theme.title, into: (themes.find((o) => o.id === merging.into) || {}).title }), " ",
      el("button", { type: "button", class: "small", dataset: { action: "merge-yes" } }, t("merge")),
      el("button", { type: "button", class: "secondary small", dataset: { action: "merge-no" } }, t("cancel"))) : null;
    return el("li", { id: `theme-${theme.id}`, dataset: { theme: theme.id, dropTheme: theme.id } }, head, actions, ask,
      el("ul", { class: "theme-cards" }, ...cards.map((c) => el("li", { id: `in-theme-${c.id}` }, userText(c.text)))));
  }) : [el("li", { id: "themes-empty", class: "hint" }, t("no_themes_yet"))]);
  renderSuggestions(state);
}

function renderSuggestions(state) {
  const box = $("[data-suggestions]");
  if (!box) return;
  const loose = new Map(state.ideas.list.filter((c) => !c.theme_id && !c.hidden).map((c) => [c.id, c]));
  // a suggestion lives only while at least two of its cards are still loose
  suggestions = suggestions.map((s) => ({ ...s, idea_ids: s.idea_ids.filter((id) => loose.has(id)) }))
    .filter((s) => s.idea_ids.length >= 2);
  morph(box, suggestions.map((s) => el("li", { class: "suggestion", id: `suggestion-${s.key}` },
    el("p", {}, el("strong", {}, userText(s.keywords.join(", "))), ` · ${tn("n_cards", s.idea_ids.length)}`),
    el("ul", {}, ...s.idea_ids.map((id) => el("li", {}, userText(loose.get(id).text)))),
    el("button", { type: "button", class: "small", dataset: { action: "make-theme", suggestion: s.key } }, t("make_theme")))));
}

// --- the vote and the priorities -------------------------------------------------------

function renderVoting(state) {
  const pr = state.priorities;
  for (const box of document.querySelectorAll("[data-voting]")) box.checked = Boolean(pr.voting[box.dataset.voting]);
  const total = state.participants.list.length;
  const voters = pr.voters ?? pr.voting.voters;
  setText("[data-voters]", voters === undefined || voters === null ? "" : tn("voted_of", voters, { total }));
  const rows = ranking(state) || [];
  $("[data-tie-legend]").hidden = !rows.some((r) => r.tied);
  morph($("[data-results]"), barChart(rows));
  renderConfirm(state, rows);
}

function renderConfirm(state, rows) {
  const list = $("[data-confirm-list]");
  if (!list) return;
  const pr = state.priorities;
  const wanted = Math.min(state.workshop.priority_count, pr.themes.length);
  setText("[data-confirm-count]", `(${wanted})`);
  const anyDots = rows.some((r) => r.dots > 0);
  setText("[data-confirm-hint]", pr.voting.open ? t("close_vote_first")
    : anyDots ? t("confirm_hint") : t("confirm_hint_no_dots"));
  const confirmedIds = new Set((pr.confirmed || []).map((p) => p.id));
  morph(list, rows.map((row, index) => {
    const id = row.theme.id;
    const draft = confirmDraft.get(id) || {};
    const preselected = confirmedIds.size ? confirmedIds.has(id) : anyDots && index < wanted;
    const checked = draft.checked ?? preselected;
    return el("li", { id: `confirm-${id}`, dataset: { theme: id }, class: row.tied ? "tied" : "" },
      el("label", { class: "check confirm-pick" },
        el("input", { type: "checkbox", id: `confirm-pick-${id}`, name: "pick", checked, dataset: { draft: id } }),
        el("span", { class: "rank" }, `${row.rank}.`), " ", tn("n_dots", row.dots),
        row.tied ? el("span", { class: "tag warn" }, t("tie")) : null),
      el("input", { type: "text", name: "title", id: `confirm-title-${id}`, maxlength: 120, dir: "auto",
        value: draft.title ?? row.theme.title, "aria-label": t("title"), dataset: { draft: id } }),
      el("input", { type: "text", name: "description", id: `confirm-description-${id}`, maxlength: 300, dir: "auto",
        value: draft.description ?? row.theme.description, placeholder: t("one_line_description"),
        "aria-label": t("one_line_description"), dataset: { draft: id } }));
  }));
}

function render(state, event) {
  renderStage(state);
  renderJoining(state);
  renderParticipants(state);
  showFor(state.stage.stage);
  showPeople();
  renderCards(state);
  renderThemes(state);
  renderVoting(state);
  step3.render(state);
  step4.render(state, event);
}

const redraw = () => client && client.state && render(client.state);

// --- actions ----------------------------------------------------------------------------

const cardById = (id) => client.state.ideas.list.find((c) => c.id === Number(id));
const themeById = (id) => client.state.priorities.themes.find((th) => th.id === Number(id));

async function assign(ideaIds, themeId, where = "cards") {
  const moves = [];
  for (const id of ideaIds) {
    const ack = await run("idea.assign", { idea_id: id, theme_id: themeId }, where);
    if (!ack.ok) break;
    moves.push({ idea_id: id, previous_theme_id: ack.previous_theme_id });
  }
  if (moves.length) {
    const theme = themeById(themeId);
    say(where, theme ? fill(tn("assigned_n", moves.length), { theme: theme.title }) : t("saved"));
    undo = { label: t("undo_move"), run: async () => {
      for (const move of moves.reverse()) await run("idea.assign", move, "themes");
    } };
  }
  redraw();
}

async function mergeThemes(fromId, intoId) {
  const from = themeById(fromId);
  const into = themeById(intoId);
  if (!from || !into) return;
  const ack = await run("theme.merge", { into_id: into.id, theme_ids: [from.id] }, "themes",
    fill(t("merged_themes"), { from: from.title, into: into.title }));
  merging = null;
  if (ack.ok) {
    // undo: the theme comes back with the cards that moved with it (theme.unmerge)
    undo = { label: t("undo_merge"), run: async () => {
      await run("theme.unmerge", { theme_id: from.id }, "themes");
      undo = null;
    } };
  }
  redraw();
}

async function deleteTheme(themeId) {
  // only an empty theme without dots can go (the server says so otherwise)
  const theme = themeById(themeId);
  if (!theme) return;
  const ack = await run("theme.delete", { theme_id: theme.id }, "themes",
    fill(t("theme_deleted"), { title: theme.title }));
  if (ack.ok) undo = { label: t("undo_delete"), run: async () => {
    await run("theme.create", { title: theme.title, description: theme.description || "" }, "themes");
    undo = null;
  } };
  redraw();
}

async function editCard(card) {
  const text = window.prompt(t("edit_card"), card.text);
  if (text !== null && text !== card.text) await run("idea.edit", { idea_id: card.id, text }, "cards", t("saved"));
}

const work = document;
on(work, "click", "[data-action]", async (node) => {
  const a = node.dataset.action;
  if (a === "stage") return moveTo(node.dataset.stage);
  if (a === "edit-card") return editCard(cardById(node.dataset.idea));
  if (a === "hide" || a === "restore") {
    return run(a === "hide" ? "idea.hide" : "idea.restore", { idea_id: Number(node.dataset.idea) }, "cards",
      a === "hide" ? t("card_hidden") : t("card_restored"));
  }
  if (a === "rename") {
    const theme = themeById(node.dataset.theme);
    renaming = { id: theme.id, title: theme.title };
    redraw();
    const input = document.getElementById(`rename-${theme.id}`);
    input.focus();
    input.select();
    return undefined;
  }
  if (a === "rename-cancel") { renaming = null; return redraw(); }
  if (a === "merge-yes") return mergeThemes(merging.from, merging.into);
  if (a === "merge-no") { merging = null; return redraw(); }
  if (a === "delete-theme") return deleteTheme(node.dataset.theme);
  if (a === "person-ask") {
    asking = { id: Number(node.dataset.person), action: node.dataset.what };
    redraw();
    document.querySelector(`#ask-person-${asking.id} [data-action=person-yes]`)?.focus();
    return undefined;
  }
  if (a === "person-no") { asking = null; return redraw(); }
  if (a === "person-yes" && asking) return answerPerson();
  if (a === "make-theme") {
    const s = suggestions.find((x) => x.key === node.dataset.suggestion);
    if (!s) return undefined;
    node.disabled = true;
    const made = await run("theme.create", { title: s.keywords.join(" · ") }, "themes");
    if (made.ok) await assign(s.idea_ids, made.theme.id, "themes");
    node.disabled = false;
  }
  return undefined;
});

on(work, "change", "[data-select]", (box) => {
  const id = Number(box.dataset.select);
  if (box.checked) selected.add(id); else selected.delete(id);
  redraw();
});
on(work, "change", "[data-assign]", (select) => {
  assign([Number(select.dataset.assign)], select.value ? Number(select.value) : null);
});
on(work, "change", "[data-merge-from]", (select) => {
  merging = select.value ? { from: Number(select.dataset.mergeFrom), into: Number(select.value) } : null;
  redraw();
});
on(work, "input", "[data-rename] input", (input) => { if (renaming) renaming.title = input.value; });
on(work, "submit", "[data-rename]", async (form, event) => {
  event.preventDefault();
  const theme = themeById(form.dataset.rename);
  const title = form.elements.title.value;
  if (!theme) return;
  if (title === theme.title) { renaming = null; redraw(); return; }
  const ack = await run("theme.rename", { theme_id: theme.id, title }, "themes",
    fill(t("renamed"), { title: title.trim() }));
  if (ack.ok || ack.pending) renaming = null;
  redraw();
});
on(work, "keydown", "[data-rename] input", (input, event) => {
  if (event.key === "Escape") { renaming = null; redraw(); }
});
on(work, "input", "[data-confirm-list] [data-draft]", (node) => remember(node.closest("li")));
on(work, "change", "[data-confirm-list] [data-draft]", (node) => remember(node.closest("li")));
function remember(item) {
  confirmDraft.set(Number(item.dataset.theme), {
    checked: item.querySelector("input[name=pick]").checked,
    title: item.querySelector("input[name=title]").value,
    description: item.querySelector("input[name=description]").value });
}

// drag a card onto a theme (the theme select under each card does the same by keyboard)
on(work, "dragstart", "[data-card][draggable=true]", (item, event) => {
  const id = Number(item.dataset.card);
  const ids = selected.has(id) ? [...selected] : [id];
  event.dataTransfer.setData("text/plain", ids.join(","));
  event.dataTransfer.effectAllowed = "move";
});
on(work, "dragover", "[data-drop-theme]", (item, event) => {
  event.preventDefault();
  item.classList.add("drop-here");
});
on(work, "dragleave", "[data-drop-theme]", (item) => item.classList.remove("drop-here"));
on(work, "drop", "[data-drop-theme]", (item, event) => {
  event.preventDefault();
  item.classList.remove("drop-here");
  const ids = (event.dataTransfer.getData("text/plain") || "").split(",").map(Number).filter(Boolean);
  if (ids.length) assign(ids, Number(item.dataset.dropTheme), "themes");
});

$("[data-stage-next]")?.addEventListener("click", () => moveTo(stageInfo(client.state.stage.stage).next));
$("[data-stage-back]")?.addEventListener("click", () => moveTo(stageInfo(client.state.stage.stage).previous));
$("[data-joining-toggle]")?.addEventListener("click", () => {
  const open = !client.state.joining.joining_open;
  run("joining.update", { joining_open: open }, "joining", open ? t("joining_open") : t("joining_closed"));
});
$("[data-new-code]")?.addEventListener("click", () => {
  if (window.confirm(t("confirm_new_code"))) run("joining.update", { new_code: true }, "joining", t("code_replaced"));
});
for (const box of document.querySelectorAll("[data-setting]")) {
  box.addEventListener("change", () => run("ideas.settings", { [box.dataset.setting]: box.checked }, "cards", t("saved")));
}
for (const box of document.querySelectorAll("[data-voting]")) {
  box.addEventListener("change", async () => {
    const ack = await run("voting.update", { [box.dataset.voting]: box.checked }, "vote",
      () => (box.dataset.voting === "revealed" && box.checked ? t("revealed_closed") : t("saved")));
    if (!ack.ok && !ack.pending) box.checked = !box.checked;
  });
}
for (const button of document.querySelectorAll("[data-timer-start]")) {
  button.addEventListener("click", () => run("timer.start", { seconds: Number(button.dataset.timerStart) }, "cards",
    t("timer_started")));
}
$("[data-timer-stop]")?.addEventListener("click", () => run("timer.stop", {}, "cards", t("timer_stopped")));
$("[data-loose-only]")?.addEventListener("change", redraw);
$("[data-assign-target]")?.addEventListener("change", redraw);
$("[data-assign-selected]")?.addEventListener("click", () => {
  const target = Number($("[data-assign-target]").value);
  if (!target) return say("cards", t("choose_theme"), "error");
  const ids = [...selected];
  selected.clear();
  return assign(ids, target);
});
$("[data-merge]")?.addEventListener("click", async () => {
  const [into, ...others] = [...selected].sort((a, b) => a - b);
  const ack = await run("idea.merge", { into_id: into, idea_ids: others }, "cards", tn("cards_merged", others.length + 1));
  if (ack.ok) selected.clear();
  redraw();
});
$("[data-undo]")?.addEventListener("click", async () => {
  if (!undo) return;
  const { run: put } = undo;
  undo = null;
  redraw();
  await put();
  redraw();
});
$("[data-theme-form]")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = event.target.elements.title;
  const title = input.value;
  if (!title.trim()) return say("themes", t("empty_title"), "error");
  // the box is cleared at once, so the next title can be typed while this one travels;
  // a refused title comes back only if the box is still empty
  input.value = "";
  const ack = await run("theme.create", { title }, "themes", fill(t("theme_added"), { title: title.trim() }));
  if (!ack.ok && !ack.pending && !input.value) input.value = title;
  return ack;
});
$("[data-suggest]")?.addEventListener("click", async () => {
  const ack = await client.query("themes.suggest");
  if (!ack.ok) return say("themes", ack.error.message, "error");
  suggestions = ack.suggestions.map((s) => ({ ...s, key: s.idea_ids.join("-") }));
  say("themes", suggestions.length ? tn("n_suggestions", suggestions.length) : t("no_suggestions"),
    suggestions.length ? "ok" : "info");
  return redraw();
});
$("[data-confirm-form]")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const chosen = [...event.target.querySelectorAll("[data-confirm-list] > li")]
    .filter((li) => li.querySelector("input[name=pick]").checked);
  const ack = await run("priorities.confirm", {
    theme_ids: chosen.map((li) => Number(li.dataset.theme)),
    titles: chosen.map((li) => li.querySelector("input[name=title]").value),
    descriptions: chosen.map((li) => li.querySelector("input[name=description]").value),
  }, "confirm", t("priorities_confirmed"));
  if (ack.ok) confirmDraft.clear();
});

client = new LiveClient({
  reducers: [applySteps12, applySteps3, applySteps4],
  onState: render,
  onStatus: (status, error) => {
    showConnection(status);
    if (status === "rejected") showError(error);
  },
  onPending: (count) => {
    const box = $("[data-pending]");
    box.hidden = !count;
    box.textContent = count ? tn("changes_waiting", count) : "";
  },
});
window.facilitatorClient = client;
step3.setup({ client, run, say });
step4.setup({ client, run, say });
startTimerDisplay(client);
