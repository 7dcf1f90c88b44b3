// Step 4 on the console, second stage: the shared action plan. Across the top, the
// accepted synergies no shared action comes from yet (one click starts a shared action
// from one). Then the shared action form (title, description, the priorities it serves,
// lead, partners, deadline, expected result, the synergy it comes from, and the group
// actions it absorbs, group by group), the shared actions, and the success factors with
// their endorsements (also at the closing).
//
// The form is drawn from a draft kept here, so events never take away what is being
// typed. Two facilitators on one shared action: the second to save is refused
// (`stale_version`) and sees the message and the shared action as it is now, next to
// what they typed; saving again then replaces it knowingly.
import { el, morph, on, userText } from "../core/dom.js";
import { fill, t, tn } from "../core/i18n.js";
import { earliestDeadline } from "./board.js";
import {
  acceptedSynergies, activeGroups, board, findAction, formatDate, groupBadge, namesLine, priorities,
  servedRanks, sortedFactors, synergyById,
} from "./plan-pieces.js";

const $ = (selector) => document.querySelector(selector);
let ctx = null;
let draft = null; // the shared action being written: {mode, id, version, values, stale}
let removing = null; // a shared action id waiting for "remove?"
let removingFactor = null;

const runs = () => Boolean($("[data-stage-next]"));
const closed = (state) => Boolean(state.workshop.closed_at);

const EMPTY = () => ({ title: "", description: "", theme_ids: [], lead: "", partners: "", deadline: "",
  expected_result: "", synergy_id: "", action_ids: [] });

function valuesOf(action) {
  return { title: action.title || "", description: action.description || "", theme_ids: [...(action.theme_ids || [])],
    lead: action.lead || "", partners: (action.partners || []).join(", "), deadline: action.deadline || "",
    expected_result: action.expected_result || "", synergy_id: action.synergy_id ? String(action.synergy_id) : "",
    action_ids: [...(action.action_ids || [])] };
}

function newDraft() {
  return { mode: "add", id: null, version: null, values: EMPTY(), stale: null };
}

/** What a synergy brings to a shared action: its groups' priorities, its linked actions. */
function fromSynergy(state, synergy, values) {
  const themes = activeGroups(state).filter((g) => synergy.group_ids.includes(g.id)).map((g) => g.theme_id);
  const actions = synergy.entries.filter((e) => e.kind === "action").map((e) => e.id);
  return { ...values, synergy_id: String(synergy.id), title: values.title || synergy.title,
    theme_ids: [...new Set([...values.theme_ids, ...themes])], action_ids: [...new Set([...values.action_ids, ...actions])] };
}

// --- synergies waiting for a shared action --------------------------------------------------

function renderUnplanned(state) {
  const used = new Set(state.shared_plan.actions.map((a) => a.synergy_id).filter(Boolean));
  const waiting = acceptedSynergies(state).filter((s) => !used.has(s.id));
  $("[data-c4-unplanned-count]").textContent = String(waiting.length);
  morph($("[data-c4-unplanned]"), waiting.length ? waiting.map((s) => el("li", { id: `c4-unplanned-${s.id}`, class: "c4-chip" },
    el("span", { class: "c4-chip-title", dir: "auto", title: s.title }, s.title), " ",
    runs() && !closed(state) ? el("button", { type: "button", class: "small", dataset: { c4: "action-from", id: s.id } },
      t("c4_build_shared_action")) : null))
    : [el("li", { class: "hint", id: "c4-unplanned-none" },
      acceptedSynergies(state).length ? t("c4_every_synergy_planned") : t("c4_no_synergies_yet"))]);
}

// --- the form ------------------------------------------------------------------------------

function staleBox(state, stale) {
  const c = stale.current;
  const line = (label, ...value) => el("li", {}, el("span", { class: "entry-label" }, label), " ", ...value);
  return el("div", { class: "c4-stale", id: "c4-action-stale", role: "alert" },
    el("p", {}, el("strong", {}, stale.message)),
    el("ul", { class: "c4-stale-values" },
      line(t("c4_shared_action_title"), userText(c.title)),
      c.lead ? line(t("lead_actor"), userText(c.lead)) : null,
      c.partners && c.partners.length ? line(t("partners"), ...namesLine(c.partners)) : null,
      c.deadline ? line(t("deadline"), formatDate(c.deadline)) : null,
      line(t("c4_priorities_served"), servedRanks(state, c.theme_ids).map((p) => p.confirmed_rank).join(", ") || "—"),
      c.expected_result ? line(t("expected_result"), userText(c.expected_result)) : null,
      c.description ? line(t("c4_description"), userText(c.description)) : null),
    el("p", { class: "card-actions" },
      el("button", { type: "button", class: "small secondary", dataset: { c4: "action-take-theirs" } }, t("c4_take_their_version")),
      el("span", { class: "hint" }, t("c4_or_save_yours"))));
}

function field(id, label, control, hint = null) {
  return el("div", { class: "field" }, el("label", { for: id }, label), control, hint);
}

function renderForm(state) {
  const form = $("[data-c4-action-form]");
  if (!form) return;
  if (!draft) draft = newDraft();
  const v = draft.values;
  if (draft.mode === "edit") {
    const current = state.shared_plan.actions.find((a) => a.id === draft.id);
    if (!current) { // removed by someone else while being edited: what was typed stays, as a new one
      draft = { ...draft, mode: "add", id: null, version: null, stale: null };
      ctx.say("plan", t("c4_shared_action_gone"), "error");
    } else if (current.version > draft.version && !draft.stale && !draft.saving) {
      // changed by someone else while being edited: shown at once; saving replaces it, knowingly
      draft.stale = { message: t("c4_changed_meanwhile"), current };
      draft.version = current.version;
    }
  }
  $("[data-c4-action-form-title]").textContent = draft.mode === "edit"
    ? (closed(state) ? t("c4_correct_shared_action") : t("c4_edit_shared_action")) : t("c4_new_shared_action");
  const again = $("[data-c4-action-new]");
  if (again) again.hidden = draft.mode !== "edit" || closed(state);
  if (closed(state) && draft.mode !== "edit") { // nothing new once closed: corrections only
    morph(form, [el("p", { class: "hint c4-when-closed-note", id: "c4-a-closed" }, t("c4_closed_pick_to_correct"))]);
    return;
  }
  const served = new Set(v.theme_ids);
  const absorbed = new Set(v.action_ids);
  const synergies = acceptedSynergies(state);
  const actorNames = [...new Set(activeGroups(state).flatMap((g) => board(state, g.id).actors.map((a) => a.name))
    .concat(state.workshop.partners || []))].sort((a, b) => a.localeCompare(b));
  morph(form, [
    draft.stale ? staleBox(state, draft.stale) : null,
    field("c4-a-title", t("c4_shared_action_title"), el("input", { type: "text", id: "c4-a-title", name: "title", maxlength: 200,
      dir: "auto", value: v.title, required: true, autocomplete: "off" })),
    field("c4-a-synergy", t("c4_from_synergy"), el("select", { id: "c4-a-synergy", name: "synergy_id" },
      el("option", { value: "", selected: !v.synergy_id }, t("c4_from_scratch")),
      ...synergies.map((s) => el("option", { value: String(s.id), selected: v.synergy_id === String(s.id) }, s.title)),
      // a synergy undone since: still named, so nothing changes under the facilitator
      v.synergy_id && !synergies.some((s) => String(s.id) === v.synergy_id)
        ? el("option", { value: v.synergy_id, selected: true }, t("c4_synergy_gone")) : null)),
    field("c4-a-description", t("c4_description"), el("textarea", { id: "c4-a-description", name: "description", rows: 2,
      maxlength: 2000, dir: "auto" }, v.description)),
    el("fieldset", { class: "picker c4-priorities", id: "c4-a-priorities" }, el("legend", {}, t("c4_priorities_served")),
      ...priorities(state).map((p) => el("label", { class: "check pick", id: `c4-a-priority-${p.id}` },
        el("input", { type: "checkbox", name: "theme_ids", value: p.id, checked: served.has(p.id) }),
        el("span", {}, `${p.confirmed_rank}. `, userText(p.title))))),
    el("div", { class: "c4-row" },
      field("c4-a-lead", t("lead_actor"), el("input", { type: "text", id: "c4-a-lead", name: "lead", maxlength: 120, dir: "auto",
        value: v.lead, list: "c4-actor-names", autocomplete: "off" })),
      field("c4-a-deadline", t("deadline"), el("input", { type: "date", id: "c4-a-deadline", name: "deadline", value: v.deadline,
        min: earliestDeadline(state) }))),
    field("c4-a-partners", t("partners"), el("input", { type: "text", id: "c4-a-partners", name: "partners", dir: "auto",
      value: v.partners, autocomplete: "off", "aria-describedby": "c4-a-partners-hint" }),
    el("p", { class: "hint small-hint", id: "c4-a-partners-hint" }, t("c4_partners_hint"))),
    el("datalist", { id: "c4-actor-names" }, ...actorNames.map((name) => el("option", { value: name }))),
    field("c4-a-result", t("expected_result"), el("input", { type: "text", id: "c4-a-result", name: "expected_result",
      maxlength: 500, dir: "auto", value: v.expected_result, autocomplete: "off" })),
    el("fieldset", { class: "picker c4-absorbed", id: "c4-a-absorbed" }, el("legend", {}, t("c4_absorbs_actions")),
      ...activeGroups(state).map((g) => {
        const actions = board(state, g.id).actions;
        return el("div", { class: "c4-absorb-group", id: `c4-a-group-${g.id}` },
          el("p", { class: "c4-absorb-head" }, groupBadge(state, g.id), " ", userText(g.title)),
          actions.length ? actions.map((a) => el("label", { class: "check pick", id: `c4-a-action-${a.id}` },
            el("input", { type: "checkbox", name: "action_ids", value: a.id, checked: absorbed.has(a.id) }),
            el("span", { dir: "auto" }, a.title))) : el("p", { class: "hint" }, t("no_actions_yet")));
      })),
    el("p", { class: "stage-controls c4-form-buttons" },
      el("button", { type: "submit", class: "small" }, draft.mode === "edit" ? t("save") : t("c4_add_shared_action")),
      draft.mode === "edit" || v.title || v.synergy_id
        ? el("button", { type: "button", class: "secondary small", dataset: { c4: "action-cancel" } }, t("cancel")) : null),
  ]);
}

/** What the form holds, read from the page (the draft follows every keystroke). */
function readForm(form) {
  const f = form.elements;
  const ids = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((x) => Number(x.value));
  return { title: f.title.value, description: f.description.value, theme_ids: ids("theme_ids"), lead: f.lead.value,
    partners: f.partners.value, deadline: f.deadline.value, expected_result: f.expected_result.value,
    synergy_id: f.synergy_id.value, action_ids: ids("action_ids") };
}

function payloadOf(state, v) {
  // a synergy undone since is not sent (the server has already unlinked it; null leaves it)
  const synergy = v.synergy_id && acceptedSynergies(state).some((x) => x.id === Number(v.synergy_id))
    ? Number(v.synergy_id) : null;
  return { title: v.title, description: v.description, theme_ids: v.theme_ids, lead: v.lead, partners: v.partners,
    deadline: v.deadline, expected_result: v.expected_result, action_ids: v.action_ids, synergy_id: synergy };
}

// --- the shared actions --------------------------------------------------------------------

function actionItem(state, action) {
  const line = (label, ...value) => el("p", { class: "entry-detail" }, el("span", { class: "entry-label" }, label), " ", ...value);
  const synergy = action.synergy_id ? synergyById(state, action.synergy_id) : null;
  const absorbed = (action.action_ids || []).map((id) => findAction(state, id)).filter(Boolean);
  const served = servedRanks(state, action.theme_ids);
  const editing = draft && draft.mode === "edit" && draft.id === action.id;
  return el("li", { id: `c4-action-${action.id}`, class: `c4-item c4-shared${editing ? " editing" : ""}` },
    el("p", { class: "c4-item-title" }, el("strong", { dir: "auto" }, action.title),
      ...served.map((p) => el("span", { class: "tag", title: p.title }, `${t("priority")} ${p.confirmed_rank}`))),
    action.description ? el("p", { class: "c4-note", dir: "auto" }, action.description) : null,
    action.lead ? line(t("lead_actor"), userText(action.lead)) : null,
    action.partners && action.partners.length ? line(t("partners"), ...namesLine(action.partners)) : null,
    action.deadline ? line(t("deadline"), el("span", { class: "entry-date" }, formatDate(action.deadline))) : null,
    action.expected_result ? line(t("expected_result"), userText(action.expected_result)) : null,
    synergy ? line(t("c4_from_synergy"), userText(synergy.title)) : null,
    absorbed.length ? el("details", { class: "c4-absorbed-list", id: `c4-absorbed-${action.id}` },
      el("summary", {}, tn("c4_absorbs_n", absorbed.length)),
      el("ul", { class: "c4-entries" }, ...absorbed.map(({ action: a, group }) => el("li", {}, groupBadge(state, group.id), " ",
        userText(a.title))))) : null,
    !runs() ? null : removing === action.id
      ? el("p", { class: "card-actions ask" }, t("c4_remove_shared_action_question"), " ",
        el("button", { type: "button", class: "small danger", dataset: { c4: "action-remove-yes", id: action.id } }, t("remove")),
        el("button", { type: "button", class: "small secondary", dataset: { c4: "action-remove-no" } }, t("cancel")))
      : el("p", { class: "card-actions" },
        el("button", { type: "button", class: "link", dataset: { c4: "action-edit", id: action.id } },
          editing ? t("c4_being_edited") : closed(state) ? t("c4_correct") : t("edit")),
        closed(state) ? null
          : el("button", { type: "button", class: "link danger", dataset: { c4: "action-remove", id: action.id } }, t("remove"))));
}

function renderActions(state) {
  const actions = state.shared_plan.actions;
  $("[data-c4-action-count]").textContent = String(actions.length);
  if (removing && !actions.some((a) => a.id === removing)) removing = null;
  morph($("[data-c4-actions]"), actions.length ? actions.map((a) => actionItem(state, a))
    : [el("li", { class: "hint", id: "c4-actions-none" }, t("c4_no_shared_actions_yet"))]);
}

// --- success factors (also at the closing) ---------------------------------------------------

function renderFactors(state) {
  const factors = sortedFactors(state);
  $("[data-c4-factor-count]").textContent = String(factors.length);
  if (removingFactor && !factors.some((f) => f.id === removingFactor)) removingFactor = null;
  const most = Math.max(1, ...factors.map((f) => (f.endorsements || []).length));
  morph($("[data-c4-factors]"), factors.length ? factors.map((f) => {
    const n = (f.endorsements || []).length;
    const author = f.author_id ? state.participants.list.find((p) => p.id === f.author_id) : null;
    const bar = el("span", { class: "c4-bar" });
    bar.style.inlineSize = `${Math.round((n / most) * 100)}%`; // CSSOM: allowed by the CSP
    return el("li", { id: `c4-factor-${f.id}`, class: "c4-item c4-factor" },
      el("p", { class: "c4-item-text", dir: "auto" }, f.text),
      el("p", { class: "c4-endorse" }, bar, el("span", { class: "c4-endorse-count" }, tn("c4_n_endorsements", n))),
      el("p", { class: "c4-meta" }, author ? [t("c4_proposed_by"), " ", userText(author.name)] : t("c4_proposed_by_facilitators")),
      !runs() || closed(state) ? null : removingFactor === f.id
        ? el("p", { class: "card-actions ask" }, t("c4_remove_factor_question"), " ",
          el("button", { type: "button", class: "small danger", dataset: { c4: "factor-remove-yes", id: f.id } }, t("remove")),
          el("button", { type: "button", class: "small secondary", dataset: { c4: "factor-remove-no" } }, t("cancel")))
        : el("p", { class: "card-actions" },
          el("button", { type: "button", class: "link danger", dataset: { c4: "factor-remove", id: f.id } }, t("remove"))));
  }) : [el("li", { class: "hint", id: "c4-factors-none" }, t("c4_no_factors_yet"))]);
}

export function render(state) {
  const stage = state.stage.stage;
  if (stage === "shared_plan") {
    renderUnplanned(state);
    renderForm(state);
    renderActions(state);
  }
  if (stage === "shared_plan" || stage === "closing") renderFactors(state);
}

const redraw = () => ctx && ctx.client.state && render(ctx.client.state);

// --- actions ---------------------------------------------------------------------------------

function openEdit(action) {
  draft = { mode: "edit", id: action.id, version: action.version, values: valuesOf(action), stale: null };
  redraw();
  $("[data-c4-action-form]").scrollTop = 0;
  document.getElementById("c4-a-title")?.focus();
}

on(document, "input", "[data-c4-action-form]", (form) => { if (draft) draft.values = readForm(form); });
on(document, "change", "[data-c4-action-form]", (form, event) => {
  if (!draft) return;
  draft.values = readForm(form);
  if (event.target.name === "synergy_id" && draft.values.synergy_id) {
    const synergy = synergyById(ctx.client.state, Number(draft.values.synergy_id));
    if (synergy) draft.values = fromSynergy(ctx.client.state, synergy, draft.values);
    redraw();
  }
});

on(document, "submit", "[data-c4-action-form]", async (form, event) => {
  event.preventDefault();
  draft.values = readForm(form);
  const v = draft.values;
  if (!v.title.trim()) {
    ctx.say("action-form", t("c4_shared_action_needs_title"), "error");
    form.elements.title.focus();
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  draft.saving = true; // our own change's event may come before its ack: not "changed meanwhile"
  let ack;
  if (draft.mode === "edit") {
    const editedId = draft.id;
    ack = await ctx.run("shared_action.edit", { shared_action_id: editedId, version: draft.version, ...payloadOf(ctx.client.state, v) },
      "action-form", fill(t("c4_shared_action_saved"), { title: v.title.trim() }));
    if (!ack.ok && ack.error && ack.error.code === "stale_version" && draft && draft.id === editedId) {
      const current = ack.error.details.current;
      draft.stale = { message: ack.error.message, current };
      draft.version = current.version; // saving again replaces it, knowingly
    }
  } else {
    ack = await ctx.run("shared_action.add", payloadOf(ctx.client.state, v), "action-form", fill(t("c4_shared_action_added"), { title: v.title.trim() }));
  }
  button.disabled = false;
  if (draft) draft.saving = false;
  if (ack.ok) {
    draft = newDraft();
    redraw();
    form.scrollTop = 0; // the empty form from its first field
    document.getElementById(`c4-action-${ack.shared_action.id}`)?.scrollIntoView({ block: "nearest" });
  } else redraw();
});

on(document, "click", "[data-c4]", async (node) => {
  if (!ctx) return undefined;
  const action = node.dataset.c4;
  const state = ctx.client.state;
  const id = Number(node.dataset.id);
  if (action === "action-from") {
    const synergy = synergyById(state, id);
    if (!synergy) return undefined;
    draft = { ...newDraft(), values: fromSynergy(state, synergy, EMPTY()) };
    redraw();
    $("[data-c4-action-form]").scrollTop = 0;
    document.getElementById("c4-a-title")?.focus();
    return ctx.say("action-form", fill(t("c4_started_from_synergy"), { title: synergy.title }), "info");
  }
  if (action === "action-edit") {
    const found = state.shared_plan.actions.find((a) => a.id === id);
    return found ? openEdit(found) : undefined;
  }
  if (action === "action-new" || action === "action-cancel") { draft = newDraft(); return redraw(); }
  if (action === "action-take-theirs") {
    const current = state.shared_plan.actions.find((a) => a.id === draft.id) || draft.stale.current;
    draft = { ...draft, version: current.version, values: valuesOf(current), stale: null };
    return redraw();
  }
  if (action === "action-remove") { removing = id; return redraw(); }
  if (action === "action-remove-no") { removing = null; return redraw(); }
  if (action === "action-remove-yes") {
    const found = state.shared_plan.actions.find((a) => a.id === id);
    removing = null;
    redraw();
    return ctx.run("shared_action.remove", { shared_action_id: id }, "plan",
      fill(t("c4_shared_action_removed"), { title: found ? found.title : "" }));
  }
  if (action === "factor-remove") { removingFactor = id; return redraw(); }
  if (action === "factor-remove-no") { removingFactor = null; return redraw(); }
  if (action === "factor-remove-yes") {
    removingFactor = null;
    redraw();
    return ctx.run("factor.remove", { factor_id: id }, "factors", t("c4_factor_removed"));
  }
  return undefined;
});

on(document, "submit", "[data-c4-factor-form]", async (form, event) => {
  event.preventDefault();
  const input = form.elements.text;
  const text = input.value;
  if (!text.trim()) { ctx.say("factors", t("c4_factor_needs_text"), "error"); return; }
  input.value = ""; // ready for the next while this one travels; a refused one comes back
  const ack = await ctx.run("factor.propose", { text }, "factors", t("c4_factor_added"));
  if (!ack.ok && !ack.pending && !input.value) input.value = text;
});

export function setup(lent) {
  ctx = lent;
}
