// Step 3 on the phone: at the top, the person's group and its rapporteur (or the choice
// of a group, when participants choose); then the group's board for the current
// sub-step: add, edit and remove objectives, actors and actions; a member volunteers as
// rapporteur while there is none, and the rapporteur hands over, highlights entries and
// writes the synthesis; other groups' boards can be read. The form is redrawn from what
// it holds (morph by id), so an event never takes away what the person is typing or
// ticking.
import { el, morph, on, userText } from "../core/dom.js";
import { fill, t, tn } from "../core/i18n.js";
import {
  ENTRY, activeGroups, board, earliestDeadline, editPayload, entriesOf, entryFields, entryItem, formValues,
  groupById, isSynthesis, isolate, numbered, personById, rapporteurName, removal, sentence, substepOf,
} from "./board.js";
import { memberCount } from "../steps/groups.js";

const $ = (selector) => document.querySelector(selector);
let client = null;
let editing = null; // {kind, id, version}: the entry in the form, or null for a new one
let formKind = null; // the kind the form was last drawn for
const removing = removal("g3", (name, payload, success) => send(name, payload, "board", success));
let similar = null; // {message, actor}: the server found this actor under another spelling
let similarExtra = null; // the same, for the actor added while listing the actions
let overwritten = null; // {kind, entry, previous, by}
let otherGroup = null; // id of the other group being read
const otherBoards = new Map(); // group id -> board, as read with group.board

// --- answers next to the control that asked ---------------------------------------------

const timers = new Map();
function say(where, message, kind = "ok") {
  const box = document.querySelector(`[data-feedback3="${where}"]`);
  if (!box) return;
  clearTimeout(timers.get(where));
  box.textContent = message || "";
  box.hidden = !message;
  box.dataset.kind = kind;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  if (message && kind === "ok") timers.set(where, setTimeout(() => { box.hidden = true; }, 5000));
}

async function send(name, payload, where, success) {
  say(where, null);
  const ack = await client.send(name, payload);
  if (ack.ok) {
    if (success) say(where, success);
  } else if (ack.pending) say(where, t("will_be_sent"), "pending");
  else say(where, ack.error ? ack.error.message : t("error"), "error");
  return ack;
}

// --- drawing -----------------------------------------------------------------------------

function myGroup(state) {
  const g = state.groups;
  return g && g.my_group_id ? groupById(state, g.my_group_id) : null;
}

/** The groups one may join, each with its size (and cap) and a button. `prefix` keeps
 *  the ids apart when the list is drawn twice. */
function choices(state, groups, prefix) {
  const cap = state.groups.settings.cap || 0;
  return groups.map((group) => {
    const n = memberCount(group); // a phone counts the groups but its own
    const full = cap > 0 && n >= cap;
    return el("li", { id: `${prefix}-${group.id}` },
      el("p", { class: "choice-title" }, el("strong", {}, userText(group.title))),
      group.description ? el("p", { class: "hint", dir: "auto" }, group.description) : null,
      el("p", { class: "choice-foot" },
        el("span", {}, cap ? fill(tn("n_members_of_cap", n), { cap }) : tn("n_members", n)),
        el("button", { type: "button", disabled: full, dataset: { g3: "join", group: group.id } },
          full ? t("group_full") : t("join_group"))));
  });
}

function renderChoice(state) {
  const g = state.groups;
  const box = $("[data-g3-nogroup]");
  const choosing = g.settings.mode === "choose";
  const groups = activeGroups(state);
  $("[data-g3-mode-text]").textContent = !groups.length ? t("groups_not_formed")
    : choosing ? t("choose_your_group") : t("facilitator_places_you");
  morph($("[data-g3-choose]"), choosing ? choices(state, groups, "choose") : []);
  box.hidden = false;
}

function renderGroupHead(state, group) {
  const me = state.me.id;
  $("[data-g3-title]").textContent = group.title;
  $("[data-g3-description]").textContent = group.description || "";
  const members = group.members.map((id) => personById(state, id)).filter(Boolean);
  $("[data-g3-members-count]").textContent = tn("n_members", memberCount(group));
  morph($("[data-g3-members]"), members.map((p) => el("li", { id: `member-${p.id}` }, userText(p.name))));
  // the rapporteur, at the top: a member volunteers while there is none; the rapporteur
  // hands over to another member (or steps down); nobody else takes the role
  const reporter = rapporteurName(state, group);
  const mine = group.rapporteur_id === me;
  $("[data-g3-rapporteur]").replaceChildren(...(mine ? [t("you_are_rapporteur")]
    : reporter ? sentence(t("rapporteur_is"), { name: reporter }) : [t("no_rapporteur_yet")]));
  $("[data-g3-be-rapporteur]").hidden = Boolean(group.rapporteur_id);
  const handover = $("[data-g3-handover]");
  handover.hidden = !mine;
  if (mine) {
    const select = $("[data-g3-handover-select]");
    const chosen = select.value;
    morph(select, [el("option", { value: "" }, t("choose_member")),
      ...members.filter((p) => p.id !== me).map((p) =>
        el("option", { value: p.id, selected: String(p.id) === chosen, dir: "auto" }, p.name))]);
  }
  // when participants choose, one may still change group
  const others = state.groups.settings.mode === "choose"
    ? activeGroups(state).filter((g) => g.id !== group.id) : [];
  $("[data-g3-change]").hidden = !others.length;
  morph($("[data-g3-change-list]"), choices(state, others, "change"));
}

function entryControls(kind, entry, { canEdit, canHighlight }) {
  const question = removing.question(kind, entry);
  if (question) return question;
  const buttons = [
    canEdit ? el("button", { type: "button", class: "link", dataset: { g3: "edit", kind, id: entry.id } }, t("edit")) : null,
    canEdit ? el("button", { type: "button", class: "link danger", dataset: { g3: "remove", kind, id: entry.id } }, t("remove")) : null,
    canHighlight ? el("button", { type: "button", class: "link", "aria-pressed": entry.highlighted ? "true" : "false",
      dataset: { g3: "highlight", kind, id: entry.id } }, entry.highlighted ? t("unhighlight") : t("highlight")) : null,
  ].filter(Boolean);
  return buttons.length ? el("p", { class: "card-actions" }, ...buttons) : null;
}

function renderForm(state, b, kind, open) {
  const form = $("[data-g3-form]");
  form.hidden = !open;
  if (!open) return;
  if (editing && !b[`${editing.kind}s`].some((x) => x.id === editing.id)) {
    editing = null; // the entry was removed by someone else
    say("form", t("entry_gone"), "info");
  }
  // keep what the form holds; start from the entry when an edit begins
  let values = formKind === kind ? formValues(kind, form) : {};
  if (editing && editing.fresh) {
    values = { ...b[`${kind}s`].find((x) => x.id === editing.id) };
    editing.fresh = false;
  }
  formKind = kind;
  $("[data-g3-form-heading]").textContent = editing ? t(`edit_${kind}`) : t(`add_${kind}`);
  morph($("[data-g3-fields]"), entryFields(kind, b, values, { prefix: "p3", minDate: earliestDeadline(state) }));
  $("[data-g3-submit]").textContent = editing ? t("save") : t(`add_${kind}`);
  $("[data-g3-cancel]").hidden = !editing;
  const offer = $("[data-g3-similar]");
  offer.hidden = !similar;
  if (similar) {
    $("[data-g3-similar-text]").textContent = similar.message;
  }
}

function renderBoard(state, group) {
  const stage = state.stage.stage;
  const substep = substepOf(stage);
  const kind = ENTRY[substep];
  const b = board(state, group.id);
  const open = !isSynthesis(stage); // members write during the sub-step itself
  const reporter = group.rapporteur_id === state.me.id;
  if (editing && (editing.kind !== kind || !open)) editing = null; // the room moved on
  if (similar && !open) similar = null;
  removing.keep(kind);
  $("[data-g3-board-heading]").textContent = t(`board_${substep}`);
  $("[data-g3-board-count]").textContent = String(b[substep].length);
  renderForm(state, b, kind, open);
  const entries = entriesOf(b, substep, { highlightFirst: !open });
  morph($("[data-g3-entries]"), entries.length ? entries.map((entry) => entryItem(kind, entry, b, {
    prefix: "mine-", number: kind === "objective" ? b.objectives.indexOf(entry) + 1 : null,
    controls: entryControls(kind, entry, { canEdit: open, canHighlight: reporter }),
  })) : [el("li", { id: "entries-empty", class: "hint" }, t(`no_${substep}_yet`))]);
  // while listing actions, the group's objectives and actors stay in view (read-only)
  const context = $("[data-g3-context]");
  context.hidden = substep !== "actions";
  if (substep === "actions") {
    morph($("[data-g3-context-list]"), [
      ...b.objectives.map((o, i) => el("li", { id: `ctx-objective-${o.id}` }, numbered(i + 1), " ", userText(o.text))),
      ...b.actors.map((a) => el("li", { id: `ctx-actor-${a.id}` }, el("strong", {}, userText(a.name)))),
    ]);
    // an actor forgotten at the actors' sub-step can still be added (a lead, a partner)
    const extra = $("[data-g3-actor-form]");
    const values = extra.elements.name ? { name: extra.elements.name.value, kind: extra.elements.kind.value } : {};
    morph($("[data-g3-actor-fields]"), entryFields("actor", b, values, { prefix: "p3x" }).slice(0, 2));
    $("[data-g3-actor-similar]").hidden = !similarExtra;
    if (similarExtra) $("[data-g3-actor-similar-text]").textContent = similarExtra.message;
  }
  renderSynthesis(state, group, substep, reporter);
}

function renderSynthesis(state, group, substep, reporter) {
  const card = $("[data-g3-synthesis-card]");
  const stage = state.stage.stage;
  const s = state.groups.syntheses.find((x) => x.group_id === group.id && x.substep === substep);
  card.hidden = !reporter && !isSynthesis(stage);
  const form = $("[data-g3-synthesis-form]");
  form.hidden = !reporter;
  const text = $("[data-g3-synthesis-saved]");
  text.hidden = reporter;
  text.textContent = s && s.text ? s.text : t("no_synthesis_yet");
  const area = form.elements.text;
  if (reporter && document.activeElement !== area && form.dataset.substep !== substep) {
    form.dataset.substep = substep;
    area.value = s ? s.text : "";
  }
}

async function renderOthers(state, group) {
  const others = activeGroups(state).filter((g) => !group || g.id !== group.id);
  const section = $("[data-g3-others]");
  section.hidden = !others.length;
  const select = $("[data-g3-other-select]");
  morph(select, [el("option", { value: "" }, t("choose_group")),
    ...others.map((g) => el("option", { value: g.id, selected: g.id === otherGroup, dir: "auto" }, g.title))]);
  const substep = substepOf(state.stage.stage);
  const b = otherGroup ? otherBoards.get(otherGroup) : null;
  const list = $("[data-g3-other-board]");
  $("[data-g3=refresh-other]").hidden = !b;
  if (!b) return morph(list, []);
  const kind = ENTRY[substep];
  const entries = entriesOf(b, substep, { highlightFirst: true });
  return morph(list, entries.length ? entries.map((entry) => entryItem(kind, entry, b, { prefix: "other-" }))
    : [el("li", { class: "hint", id: "other-empty" }, t(`no_${substep}_yet`))]);
}

function renderOverwritten() {
  const box = $("[data-g3-overwritten]");
  box.hidden = !overwritten;
  if (!overwritten) return;
  const prev = overwritten.previous || {};
  const text = prev.text || prev.name || prev.title || "";
  $("[data-g3-overwritten-text]").replaceChildren(...sentence(t("entry_overwritten"), { name: overwritten.by }));
  $("[data-g3-overwritten-previous]").textContent = text;
}

export function render(state) {
  const stage = state.stage.stage;
  if (!substepOf(stage) || !state.groups) return;
  const group = myGroup(state);
  $("[data-g3-nogroup]").hidden = Boolean(group);
  $("[data-g3-group]").hidden = !group;
  $("[data-g3-board-card]").hidden = !group;
  if (!group) {
    $("[data-g3-synthesis-card]").hidden = true;
    renderChoice(state);
  } else {
    renderGroupHead(state, group);
    renderBoard(state, group);
  }
  renderOverwritten();
  renderOthers(state, group);
}

// --- what the person does ----------------------------------------------------------------

const redraw = () => client && client.state && render(client.state);

/** Empty a form at once (the field being typed in included: a morph keeps its value). */
function clearForm(form) {
  for (const field of form.elements) {
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (field.tagName === "SELECT") field.value = field.name === "kind" ? "other" : "";
    else if (field.type !== "submit" && field.type !== "button") field.value = "";
  }
}

async function submitEntry(form, extra = {}) {
  const state = client.state;
  const group = myGroup(state);
  const kind = formKind;
  if (!group || !kind) return;
  const values = formValues(kind, form);
  const name = editing ? `${kind}.edit` : `${kind}.add`;
  const payload = editing
    ? { ...editPayload(kind, values), [`${kind}_id`]: editing.id, version: editing.version, ...extra }
    : { ...values, ...extra };
  const button = $("[data-g3-submit]");
  button.disabled = true;
  const ack = await send(name, payload, "form");
  button.disabled = false;
  if (ack.ok) {
    similar = null;
    say("form", ack.replaced ? fill(t("you_replaced"), { name: isolate(ack.replaced.by) }) : t(editing ? "saved" : "entry_added"),
      ack.replaced ? "info" : "ok");
    editing = null;
    clearForm(form);
  } else if (ack.pending) {
    editing = null;
    clearForm(form);
  } else if (ack.error && ack.error.code === "similar_actor") {
    say("form", null);
    similar = { message: ack.error.message, actor: ack.error.details && ack.error.details.actor };
  }
  redraw();
}

on(document, "submit", "[data-g3-form]", (form, event) => {
  event.preventDefault();
  submitEntry(form);
});
async function addExtraActor(form, extra = {}) {
  const ack = await send("actor.add", { name: form.elements.name.value, kind: form.elements.kind.value, ...extra },
    "actor", t("entry_added"));
  if (ack.ok || ack.pending) {
    similarExtra = null;
    clearForm(form);
  } else if (ack.error && ack.error.code === "similar_actor") {
    say("actor", null);
    similarExtra = { message: ack.error.message, actor: ack.error.details && ack.error.details.actor };
  }
  redraw();
}

on(document, "submit", "[data-g3-actor-form]", (form, event) => {
  event.preventDefault();
  addExtraActor(form);
});

on(document, "submit", "[data-g3-synthesis-form]", async (form, event) => {
  event.preventDefault();
  const group = myGroup(client.state);
  if (!group) return;
  await send("synthesis.write", { group_id: group.id, substep: substepOf(client.state.stage.stage),
    text: form.elements.text.value }, "synthesis", t("synthesis_saved"));
});

on(document, "submit", "[data-g3-handover]", async (form, event) => {
  event.preventDefault();
  const group = myGroup(client.state);
  const to = personById(client.state, Number(form.elements.to.value));
  if (!group || !to) return;
  const ack = await send("group.rapporteur", { group_id: group.id, participant_id: to.id }, "rapporteur",
    fill(t("handed_over"), { name: isolate(to.name) }));
  if (ack.ok) form.elements.to.value = "";
});

on(document, "change", "[data-g3-other-select]", async (select) => {
  otherGroup = select.value ? Number(select.value) : null;
  if (otherGroup) {
    const ack = await client.query("group.board", { group_id: otherGroup });
    if (ack.ok) otherBoards.set(otherGroup, ack.board);
    else say("others", ack.error ? ack.error.message : t("error"), "error");
  }
  redraw();
});

on(document, "click", "[data-g3]", async (node) => {
  const action = node.dataset.g3;
  const state = client.state;
  const group = myGroup(state);
  const kind = node.dataset.kind;
  const id = Number(node.dataset.id);
  if (action === "join") {
    return send("group.join", { group_id: Number(node.dataset.group) }, group ? "change" : "choose");
  }
  if (action === "be-rapporteur") {
    return send("group.rapporteur", { group_id: group.id, participant_id: state.me.id }, "rapporteur");
  }
  if (action === "step-down") {
    return send("group.rapporteur", { group_id: group.id, participant_id: null }, "rapporteur", t("stepped_down"));
  }
  if (action === "edit") {
    const entry = board(state, group.id)[`${kind}s`].find((x) => x.id === id);
    editing = { kind, id, version: entry.version, fresh: true };
    similar = null;
    redraw();
    const form = $("[data-g3-form]");
    form.scrollIntoView({ block: "start" });
    form.querySelector("input[type=text], textarea").focus();
    return undefined;
  }
  if (action === "cancel-edit") {
    editing = null;
    similar = null;
    clearForm($("[data-g3-form]"));
    return redraw();
  }
  if (removing.handles(action)) return removing.click(action, kind, id, redraw);
  if (action === "highlight") {
    const entry = board(state, group.id)[`${kind}s`].find((x) => x.id === id);
    return send("entry.highlight", { entry: kind, entry_id: id, highlighted: !entry.highlighted }, "board");
  }
  if (action === "use-existing") {
    const name = similar && similar.actor ? similar.actor.name : "";
    similar = null;
    editing = null;
    clearForm($("[data-g3-form]"));
    redraw();
    say("form", fill(t("using_existing"), { name: isolate(name) }));
    return undefined;
  }
  if (action === "add-anyway") {
    similar = null;
    return submitEntry($("[data-g3-form]"), { distinct: true });
  }
  if (action === "actor-use") {
    const name = similarExtra && similarExtra.actor ? similarExtra.actor.name : "";
    similarExtra = null;
    clearForm($("[data-g3-actor-form]"));
    redraw();
    say("actor", fill(t("using_existing"), { name: isolate(name) }));
    return undefined;
  }
  if (action === "actor-anyway") {
    similarExtra = null;
    return addExtraActor($("[data-g3-actor-form]"), { distinct: true });
  }
  if (action === "dismiss-overwritten") { overwritten = null; return redraw(); }
  if (action === "refresh-other" && otherGroup) {
    const ack = await client.query("group.board", { group_id: otherGroup });
    if (ack.ok) otherBoards.set(otherGroup, ack.board);
    return redraw();
  }
  return undefined;
});

/** Events the phone tells the person about. */
export function onEvent(event) {
  if (event.type === "entry.overwritten") {
    overwritten = event.data;
    redraw();
  }
}

export function setup(liveClient) {
  client = liveClient;
  // the group and its rapporteur come first in Step 3, right under the stage's title
  // (the page's own sections, such as the priorities, follow)
  const card = $(".group-card");
  const anchor = $("[data-notice]");
  if (card && anchor) anchor.after(card);
}
