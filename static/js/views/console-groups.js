// Step 3 on the console: how the groups will be formed (chosen while confirming the
// priorities); then the working groups at a glance (size, profile mix, entries,
// rapporteur), formed on entering Step 3, how people are placed (balanced, or their own
// choice, a cap), moving anyone (drag and drop, or the select by each name), the timer,
// and every group's board for the current sub-step, which the facilitator can correct;
// at a synthesis, one group can be put alone on the projector. Drawn from the state,
// morphed by id.
import { config } from "../core/page.js";
import { el, morph, on, userText } from "../core/dom.js";
import { fill, t, tn } from "../core/i18n.js";
import {
  ENTRY, board, earliestDeadline, editPayload, entriesOf, entryCount, entryFields, entryItem, formValues,
  groupById, isSynthesis, isolate, listOf, personById, quoted, removal, sentence, substepOf,
} from "./board.js";

const $ = (selector) => document.querySelector(selector);
let ctx = null; // {client, run, say}: lent by console.js
let proposal = null; // [{participant_id, group_id}] from groups.propose, until applied
let editing = null; // {kind, id, group, fresh}
const removing = removal("c3", (name, payload, success) => ctx.run(name, payload, "boards", success));
const syntheses = new Map(); // "group:substep" -> the text being typed here

const runs = () => Boolean($("[data-stage-next]"));

function profileMix(state, ids) {
  const counts = new Map();
  for (const id of ids) {
    const p = personById(state, id);
    if (p) counts.set(p.profile, (counts.get(p.profile) || 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** Working groups in priority order, retired ones last (as the server lists them). */
function byRank(groups) {
  return groups.slice().sort((a, b) => (a.retired - b.retired) || ((a.rank || 99) - (b.rank || 99)) || (a.id - b.id));
}

function groupOptions(state, chosen) {
  return [el("option", { value: "", selected: chosen == null }, t("no_group")),
    ...state.groups.list.filter((g) => !g.retired || g.id === chosen).map((g) =>
      el("option", { value: g.id, selected: g.id === chosen, dir: "auto" }, g.title))];
}

function personItem(state, person, editable) {
  return el("li", { id: `person-${person.id}`, class: "person", draggable: editable ? "true" : null,
    title: [person.organisation, person.profile].filter(Boolean).map(isolate).join(" · "), dataset: { c3Person: person.id } },
  el("span", { class: "person-name" }, el("strong", { dir: "auto" }, person.name), el("span", { "aria-hidden": "true" }, "·"),
    el("span", { class: "person-profile", dir: "auto" }, person.profile)),
  editable ? el("select", { id: `move-${person.id}`, class: "move-select",
    "aria-label": fill(t("group_of_person"), { name: isolate(person.name) }), dataset: { c3Move: person.id } },
  ...groupOptions(state, person.group_id)) : null);
}

/** Both settings forms (before Step 3, and in its groups panel) show the saved settings,
 *  unless the facilitator is changing them. */
function showSettings(state) {
  for (const form of document.querySelectorAll("[data-c3-settings]")) {
    if (form.contains(document.activeElement)) continue;
    form.elements.mode.value = state.groups.settings.mode;
    form.elements.cap.value = state.groups.settings.cap || "";
  }
}

/** While confirming the priorities: what entering Step 3 will do with the groups. */
function renderPlan(state) {
  showSettings(state);
  const s = state.groups.settings;
  const hint = $("[data-c3-plan-hint]");
  if (hint) {
    hint.textContent = s.mode === "choose"
      ? [t("c3_plan_choose"), s.cap ? fill(t("c3_plan_cap"), { n: s.cap }) : ""].filter(Boolean).join(" ")
      : t("c3_plan_balanced");
  }
}

/** From entering Step 3 until the first entry: how the groups were formed, and that the
 *  projector shows them (the line-up, static/js/views/projector-groups.js). */
function renderStart(state, groups) {
  const box = $("[data-c3-start]");
  if (!box) return;
  const started = state.stage.stage !== "objectives"
    || groups.some((group) => entryCount(board(state, group.id)));
  box.hidden = started || !groups.length;
  if (box.hidden) return;
  box.textContent = [state.groups.settings.mode === "choose" ? t("c3_formed_choose") : t("c3_formed_balanced"),
    t("c3_lineup_shown")].join(" ");
}

function renderGroups(state) {
  const g = state.groups;
  const editable = runs();
  const groups = byRank(g.list);
  $("[data-c3-group-count]").textContent = String(groups.filter((x) => !x.retired).length);
  showSettings(state);
  renderStart(state, groups);
  const retired = groups.filter((x) => x.retired);
  const warn = $("[data-c3-retired]");
  if (warn) {
    warn.hidden = !retired.length;
    warn.replaceChildren(...(retired.length ? sentence(t("retired_groups"), {
      titles: el("span", {}, ...listOf(retired.map((x) => x.title), quoted)) }) : []));
  }
  const people = state.participants.list;
  const cards = groups.map((group) => {
    const members = group.members.map((id) => personById(state, id)).filter(Boolean);
    const b = board(state, group.id);
    const writers = new Set([...b.objectives, ...b.actors, ...b.actions].map((e) => e.author_id).filter(Boolean));
    return el("li", { id: `group-${group.id}`, class: `group${group.retired ? " retired" : ""}`,
      dataset: { c3Drop: group.id } },
    el("div", { class: "group-head" },
      el("h3", {}, group.rank ? el("span", { class: "rank" }, `${group.rank}.`) : null, " ", userText(group.title),
        " ", el("span", { class: "count", "aria-label": tn("n_members", members.length) }, members.length)),
      group.retired ? el("span", { class: "tag warn" }, t("retired")) : null,
      // for a group working in another room: its board alone, large, on a screen there
      el("a", { class: "link", href: `/workshops/${config.workshop}/groups/${group.id}/screen`,
        target: "_blank", rel: "noopener" }, t("group_screen"))),
    el("p", { class: "group-stats" },
      tn("n_objectives", b.objectives.length), " · ", tn("n_actors", b.actors.length), " · ",
      tn("n_actions", b.actions.length), " · ", fill(tn("n_writers", writers.size), { total: members.length })),
    el("p", { class: "mix" }, ...profileMix(state, group.members).map(([profile, n]) =>
      el("span", { class: "tag" }, userText(profile), ` ${n}`))),
    el("p", { class: "rapporteur-pick" },
      el("label", { for: `rapporteur-${group.id}`, class: "inline-label" }, t("rapporteur")),
      el("select", { id: `rapporteur-${group.id}`, disabled: !editable, dataset: { c3Rapporteur: group.id } },
        el("option", { value: "", selected: !group.rapporteur_id }, t("no_rapporteur")),
        ...members.map((p) => el("option", { value: p.id, selected: p.id === group.rapporteur_id, dir: "auto" }, p.name)))),
    el("ul", { class: "people-in-group" }, ...members.map((p) => personItem(state, p, editable))));
  });
  const loose = people.filter((p) => p.group_id == null);
  cards.push(el("li", { id: "group-none", class: "group loose", dataset: { c3Drop: "none" } },
    el("div", { class: "group-head" }, el("h3", {}, t("not_in_group"), " ",
      el("span", { class: "count" }, loose.length))),
    loose.length ? null : el("p", { class: "hint" }, t("everyone_in_group")),
    el("ul", { class: "people-in-group" }, ...loose.map((p) => personItem(state, p, editable)))));
  morph($("[data-c3-groups]"), cards);
  // every group at a glance, always in view: a place to drop a person dragged from far below
  morph($("[data-c3-chips]"), [...groups.filter((x) => !x.retired), { id: "none", title: t("not_in_group"), members: loose.map((p) => p.id) }]
    .map((group) => el("li", { id: `chip-${group.id}`, class: "chip", dataset: { c3Drop: group.id } },
      group.rank ? el("span", { class: "rank" }, `${group.rank}.`) : null,
      el("span", { class: "chip-title", dir: "auto" }, group.title),
      el("span", { class: "count" }, group.members.length))));
  renderProposal(state);
}

function renderProposal(state) {
  const box = $("[data-c3-proposal]");
  if (!box) return;
  box.hidden = !proposal;
  if (!proposal) return;
  const byGroup = new Map();
  for (const a of proposal) {
    if (!byGroup.has(a.group_id)) byGroup.set(a.group_id, []);
    byGroup.get(a.group_id).push(a.participant_id);
  }
  morph($("[data-c3-proposal-list]"), [...byGroup.entries()].map(([gid, ids]) => {
    const group = groupById(state, gid);
    return el("li", { id: `proposal-${gid}` },
      el("strong", {}, group ? userText(group.title) : t("no_group")), ` · ${tn("n_members", ids.length)} · `,
      ...profileMix(state, ids).map(([profile, n]) => el("span", { class: "tag" }, userText(profile), ` ${n}`)),
      el("p", { class: "hint proposal-names" }, ...listOf(ids.map((id) => personById(state, id)).filter(Boolean)
        .map((p) => p.name))));
  }));
}

function entryControls(kind, entry, group, stage) {
  if (!runs()) return null;
  const question = removing.question(kind, entry);
  if (question) return question;
  return el("p", { class: "card-actions" },
    el("button", { type: "button", class: "link", dataset: { c3: "edit", kind, id: entry.id, group: group.id } }, t("edit")),
    el("button", { type: "button", class: "link danger", dataset: { c3: "remove", kind, id: entry.id } }, t("remove")),
    isSynthesis(stage) || substepOf(stage) ? el("button", { type: "button", class: "link",
      "aria-pressed": entry.highlighted ? "true" : "false", dataset: { c3: "highlight", kind, id: entry.id, group: group.id } },
    entry.highlighted ? t("unhighlight") : t("highlight")) : null);
}

function editForm(state, kind, entry, group, b) {
  const prefix = `c3-${group.id}`;
  const current = document.querySelector(`[data-c3-edit="${kind}-${entry.id}"]`);
  let values = current && !editing.fresh ? formValues(kind, current) : entry;
  editing.fresh = false;
  if (!values) values = entry;
  return el("li", { id: `edit-${kind}-${entry.id}`, class: "entry editing" },
    el("form", { class: "entry-form", dataset: { c3Edit: `${kind}-${entry.id}` } },
      ...entryFields(kind, b, values, { prefix, minDate: earliestDeadline(state) }),
      el("p", { class: "card-actions" },
        el("button", { type: "submit", class: "small" }, t("save")),
        el("button", { type: "button", class: "small secondary", dataset: { c3: "edit-cancel" } }, t("cancel")))));
}

function renderBoards(state) {
  const stage = state.stage.stage;
  const substep = substepOf(stage);
  const kind = ENTRY[substep];
  if (editing && editing.kind !== kind) editing = null; // the room moved on
  removing.keep(kind);
  $("[data-c3-boards-heading]").replaceChildren(...sentence(t("boards_of"), { substep: el("span", {}, t(`board_${substep}`)) }));
  const spotlight = state.groups.settings.spotlight_group_id;
  const groups = byRank(state.groups.list.filter((g) => !g.retired || entryCount(board(state, g.id))));
  const columns = groups.map((group) => {
    const b = board(state, group.id);
    const entries = entriesOf(b, substep, { highlightFirst: isSynthesis(stage) });
    const key = `${group.id}:${substep}`;
    const saved = (state.groups.syntheses.find((s) => s.group_id === group.id && s.substep === substep) || {}).text || "";
    const synthesis = runs() ? el("form", { class: "synthesis-form", dataset: { c3Synthesis: group.id } },
      el("label", { for: `synthesis-${group.id}` }, t("synthesis")),
      el("textarea", { id: `synthesis-${group.id}`, name: "text", rows: 3, maxlength: 1500, dir: "auto" },
        syntheses.has(key) ? syntheses.get(key) : saved),
      el("button", { type: "submit", class: "small" }, t("save_synthesis")))
      : el("p", { class: "synthesis-text", dir: "auto" }, saved);
    return el("section", { id: `board-${group.id}`, class: `board3-column${spotlight === group.id ? " spotlit" : ""}`,
      "aria-labelledby": `board-title-${group.id}` },
    el("h3", { id: `board-title-${group.id}` }, userText(group.title), " ", el("span", { class: "count" }, entries.length),
      group.retired ? el("span", { class: "tag warn" }, t("retired")) : null),
    runs() && isSynthesis(stage) ? spotlightControl(group, spotlight === group.id) : null,
    isSynthesis(stage) || saved ? synthesis : null,
    el("ol", { class: "entries" }, ...(entries.length ? entries.map((entry) =>
      (editing && editing.kind === kind && editing.id === entry.id
        ? editForm(state, kind, entry, group, b)
        : entryItem(kind, entry, b, { prefix: "c3-", number: kind === "objective" ? b.objectives.indexOf(entry) + 1 : null,
          controls: entryControls(kind, entry, group, stage) })))
      : [el("li", { class: "hint", id: `empty-${group.id}` }, t(`no_${substep}_yet`))])));
  });
  const boardsNode = $("[data-c3-boards]");
  boardsNode.style.gridTemplateColumns = `repeat(${Math.max(1, columns.length)}, minmax(14rem, 1fr))`; // CSSOM
  const focused = document.activeElement && document.activeElement.closest(".spotlight-control");
  morph(boardsNode, columns);
  if (focused && !focused.contains(document.activeElement)) {
    const again = document.querySelector(`#${focused.id} button`);
    if (again) again.focus();
  }
}

/** A group's spotlight: off, a button that puts it alone on the projector; on, a mark
 *  that says so beside the button that shows every group again. The button's id names
 *  its state: the page's morph leaves the focused element's text as it is (so a field
 *  being typed in keeps its text), and the button just clicked has the focus, so it is
 *  replaced rather than morphed (and the focus given back, see renderBoards). */
function spotlightControl(group, on) {
  return el("p", { class: `spotlight-control${on ? " on" : ""}`, id: `spotlight-${group.id}` },
    on ? el("span", { class: "on-air" }, t("spotlight_on")) : null,
    el("button", { type: "button", id: `spotlight-${group.id}-${on ? "on" : "off"}`, class: on ? "small" : "secondary small",
      "aria-pressed": on ? "true" : "false", dataset: { c3: "spotlight", group: on ? "" : group.id } },
    on ? t("show_all_groups") : t("spotlight_group")));
}

export function render(state) {
  if (!state.groups) return;
  if (state.stage.stage === "confirm") renderPlan(state);
  if (!substepOf(state.stage.stage)) return;
  renderGroups(state);
  renderBoards(state);
}

// --- actions ------------------------------------------------------------------------------

const redraw = () => ctx && ctx.client.state && render(ctx.client.state);

function move(personId, groupId) {
  const person = personById(ctx.client.state, personId);
  const group = groupId ? groupById(ctx.client.state, groupId) : null;
  if (!person || person.group_id === groupId) return undefined;
  return ctx.run("group.move", { participant_id: personId, group_id: groupId }, "groups",
    fill(t("person_moved"), { name: isolate(person.name), group: group ? isolate(group.title) : t("no_group") }));
}

on(document, "click", "[data-c3]", async (node) => {
  if (!ctx) return undefined;
  const action = node.dataset.c3;
  const state = ctx.client.state;
  const kind = node.dataset.kind;
  const id = Number(node.dataset.id);
  if (action === "timer") {
    return ctx.run("timer.start", { seconds: Number(node.dataset.seconds) }, "boards", t("timer_started"));
  }
  if (action === "timer-stop") return ctx.run("timer.stop", {}, "boards", t("timer_stopped"));
  if (action === "propose") {
    const ack = await ctx.client.query("groups.propose");
    if (!ack.ok) return ctx.say("groups", ack.error.message, "error");
    proposal = ack.assignments;
    ctx.say("groups", t("proposal_ready"), "info");
    return redraw();
  }
  if (action === "proposal-apply") {
    const ack = await ctx.run("groups.assign", { assignments: proposal }, "groups",
      (a) => tn("n_moved", (a.moves || []).length));
    if (ack.ok || ack.pending) proposal = null;
    return redraw();
  }
  if (action === "proposal-discard") { proposal = null; return redraw(); }
  if (action === "spotlight") {
    const group = node.dataset.group ? Number(node.dataset.group) : null;
    return ctx.run("group.spotlight", { group_id: group }, "boards",
      group ? fill(t("spotlit"), { group: isolate(groupById(state, group).title) }) : t("all_groups_shown"));
  }
  if (action === "edit") { editing = { kind, id, group: Number(node.dataset.group), fresh: true }; return redraw(); }
  if (action === "edit-cancel") { editing = null; return redraw(); }
  if (removing.handles(action)) return removing.click(action, kind, id, redraw);
  if (action === "highlight") {
    const entry = board(state, Number(node.dataset.group))[`${kind}s`].find((x) => x.id === id);
    return ctx.run("entry.highlight", { entry: kind, entry_id: id, highlighted: !entry.highlighted }, "boards");
  }
  return undefined;
});

on(document, "submit", "[data-c3-edit]", async (form, event) => {
  event.preventDefault();
  const [kind, id] = form.dataset.c3Edit.split("-");
  const entry = board(ctx.client.state, editing.group)[`${kind}s`].find((x) => x.id === Number(id));
  const ack = await ctx.run(`${kind}.edit`, { [`${kind}_id`]: Number(id), version: entry ? entry.version : undefined,
    ...editPayload(kind, formValues(kind, form)) }, "boards",
  (a) => (a.replaced ? fill(t("you_replaced"), { name: isolate(a.replaced.by) }) : t("saved")));
  if (ack.ok || ack.pending) editing = null;
  redraw();
});

on(document, "submit", "[data-c3-synthesis]", async (form, event) => {
  event.preventDefault();
  const groupId = Number(form.dataset.c3Synthesis);
  const substep = substepOf(ctx.client.state.stage.stage);
  const ack = await ctx.run("synthesis.write", { group_id: groupId, substep, text: form.elements.text.value },
    "boards", t("synthesis_saved"));
  if (ack.ok) syntheses.delete(`${groupId}:${substep}`);
});
on(document, "input", "[data-c3-synthesis] textarea", (area) => {
  const form = area.closest("form");
  syntheses.set(`${form.dataset.c3Synthesis}:${substepOf(ctx.client.state.stage.stage)}`, area.value);
});

on(document, "submit", "[data-c3-settings]", (form, event) => {
  event.preventDefault();
  const cap = form.elements.cap.value.trim();
  ctx.run("groups.settings", { mode: form.elements.mode.value, cap: cap ? Number(cap) : 0 },
    form.dataset.c3Settings, t("saved"));
});
on(document, "change", "[data-c3-move]", (select) => {
  move(Number(select.dataset.c3Move), select.value ? Number(select.value) : null);
});
on(document, "change", "[data-c3-rapporteur]", (select) => {
  const group = groupById(ctx.client.state, Number(select.dataset.c3Rapporteur));
  ctx.run("group.rapporteur", { group_id: group.id, participant_id: select.value ? Number(select.value) : null },
    "groups", t("saved"));
});

// drag a person onto a group (the select by each name does the same by keyboard)
on(document, "dragstart", "[data-c3-person][draggable=true]", (item, event) => {
  event.dataTransfer.setData("text/plain", item.dataset.c3Person);
  event.dataTransfer.effectAllowed = "move";
});
on(document, "dragover", "[data-c3-drop]", (item, event) => {
  event.preventDefault();
  item.classList.add("drop-here");
});
on(document, "dragleave", "[data-c3-drop]", (item) => item.classList.remove("drop-here"));
on(document, "drop", "[data-c3-drop]", (item, event) => {
  event.preventDefault();
  item.classList.remove("drop-here");
  const id = Number(event.dataTransfer.getData("text/plain"));
  if (id) move(id, item.dataset.c3Drop === "none" ? null : Number(item.dataset.c3Drop));
});

/** console.js lends its client and its way of answering next to a control. */
export function setup(lent) {
  ctx = lent;
}
