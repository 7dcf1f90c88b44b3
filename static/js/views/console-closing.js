// The closing on the console: closing the workshop (a confirm step first) across the
// top, or once closed the banner, reopening, sharing the plan with the participants and
// the link to the plan's downloads; the immediate measures (what, who, by when); the open
// steering committee with the emails and the time consent was given; and what was
// recorded after the room (closed, reopened, each correction). Success factors are drawn
// by console-plan.js. Two facilitators on one measure: the second to save sees the
// message and the measure as it is now (`stale_version`).
import { config } from "../core/page.js";
import { el, morph, on, userText } from "../core/dom.js";
import { fill, t, tn } from "../core/i18n.js";
import { readContacts } from "../steps/shared-plan.js";
import { earliestDeadline } from "./board.js";
import { formatDate, formatMoment } from "./plan-pieces.js";

const $ = (selector) => document.querySelector(selector);
let ctx = null;
let asking = false; // "close the workshop?" is showing
let editing = null; // {id, version, values: {text, owner, due}, stale, saving}
let removing = null; // a measure id waiting for "remove?"
const TEXT_FIELDS = ["title", "text", "name", "role", "description", "lead", "partners", "owner", "expected_result",
  "deadline", "due"];

const runs = () => Boolean($("[data-stage-next]"));

// --- closing the workshop ------------------------------------------------------------------

function renderClose(state) {
  const closed = Boolean(state.workshop.closed_at);
  if (closed) asking = false;
  $("[data-c4-close-open]").hidden = closed;
  $("[data-c4-close-closed]").hidden = !closed;
  $("[data-c4-close]").classList.toggle("closed", closed);
  const plan = state.shared_plan;
  $("[data-c4-close-summary]").textContent = [tn("c4_n_shared_actions", plan.actions.length),
    tn("c4_n_measures", plan.measures.length), tn("c4_n_committee", state.closing.committee.length),
    tn("c4_n_factors", state.closing.factors.length)].join(" · ");
  const ask = $("[data-c4-close-confirm]");
  if (ask) {
    ask.hidden = !asking;
    $("[data-c4-close-ask-box]").hidden = asking;
  }
  $("[data-c4-closed-at]").textContent = closed ? fill(t("c4_closed_since"), { when: formatMoment(state.workshop.closed_at) }) : "";
  const share = $("[data-c4-share]");
  if (share && document.activeElement !== share) share.checked = Boolean(state.workshop.plan_shared);
  const downloads = $("[data-c4-downloads]");
  if (downloads) downloads.hidden = !downloads.getAttribute("href");
}

// --- immediate measures --------------------------------------------------------------------

function measureForm(state, measure) {
  const v = editing.values;
  const id = (name) => `c4-m${measure.id}-${name}`;
  const c = editing.stale && editing.stale.current;
  return el("li", { id: `c4-measure-${measure.id}`, class: "c4-item editing" },
    c ? el("div", { class: "c4-stale", role: "alert", id: `c4-measure-stale-${measure.id}` },
      el("p", {}, el("strong", {}, editing.stale.message)),
      el("p", {}, userText(c.text), " · ", userText(c.owner), " · ", formatDate(c.due)),
      el("p", { class: "card-actions" },
        el("button", { type: "button", class: "small secondary", dataset: { c4: "measure-take-theirs" } }, t("c4_take_their_version")),
        el("span", { class: "hint" }, t("c4_or_save_yours")))) : null,
    el("form", { class: "c4-form", dataset: { c4MeasureEdit: measure.id } },
      el("div", { class: "field" }, el("label", { for: id("text") }, t("c4_measure_text")),
        el("input", { type: "text", id: id("text"), name: "text", maxlength: 300, dir: "auto", value: v.text, autocomplete: "off" })),
      el("div", { class: "c4-row" },
        el("div", { class: "field" }, el("label", { for: id("owner") }, t("c4_measure_owner")),
          el("input", { type: "text", id: id("owner"), name: "owner", maxlength: 120, dir: "auto", value: v.owner, autocomplete: "off" })),
        el("div", { class: "field" }, el("label", { for: id("due") }, t("c4_measure_due")),
          el("input", { type: "date", id: id("due"), name: "due", value: v.due, min: earliestDeadline(state) }))),
      el("p", { class: "card-actions" },
        el("button", { type: "submit", class: "small" }, t("save")),
        el("button", { type: "button", class: "small secondary", dataset: { c4: "measure-cancel" } }, t("cancel")))));
}

function measureItem(state, m) {
  if (editing && editing.id === m.id) return measureForm(state, m);
  return el("li", { id: `c4-measure-${m.id}`, class: "c4-item c4-measure" },
    el("p", { class: "c4-item-text", dir: "auto" }, m.text),
    el("p", { class: "c4-meta" }, el("span", { class: "entry-label" }, t("c4_measure_owner")), " ", userText(m.owner), " · ",
      el("span", { class: "entry-label" }, t("c4_measure_due")), " ", el("span", { class: "entry-date" }, formatDate(m.due))),
    !runs() ? null : removing === m.id
      ? el("p", { class: "card-actions ask" }, t("c4_remove_measure_question"), " ",
        el("button", { type: "button", class: "small danger", dataset: { c4: "measure-remove-yes", id: m.id } }, t("remove")),
        el("button", { type: "button", class: "small secondary", dataset: { c4: "measure-remove-no" } }, t("cancel")))
      : el("p", { class: "card-actions" },
        el("button", { type: "button", class: "link", dataset: { c4: "measure-edit", id: m.id } },
          state.workshop.closed_at ? t("c4_correct") : t("edit")),
        state.workshop.closed_at ? null
          : el("button", { type: "button", class: "link danger", dataset: { c4: "measure-remove", id: m.id } }, t("remove"))));
}

function renderMeasures(state) {
  const measures = state.shared_plan.measures;
  $("[data-c4-measure-count]").textContent = String(measures.length);
  for (const input of document.querySelectorAll("[data-c4-min-date]")) input.min = earliestDeadline(state);
  if (editing) {
    const current = measures.find((m) => m.id === editing.id);
    if (!current) {
      editing = null;
      ctx.say("measures", t("c4_measure_gone"), "error");
    } else if (current.version > editing.version && !editing.stale && !editing.saving) {
      editing.stale = { message: t("c4_measure_changed_meanwhile"), current };
      editing.version = current.version; // saving replaces it, knowingly
    }
  }
  if (removing && !measures.some((m) => m.id === removing)) removing = null;
  morph($("[data-c4-measures]"), measures.length ? measures.map((m) => measureItem(state, m))
    : [el("li", { class: "hint", id: "c4-measures-none" }, t("c4_no_measures_yet"))]);
}

// --- the committee ------------------------------------------------------------------------

function renderCommittee(state) {
  const members = state.closing.committee;
  // no event carries an email: a sign-up new or changed is read from the server
  if (members.some((m) => m.contact_wanted !== undefined)) readContacts(ctx.client, redraw);
  $("[data-c4-committee-count]").textContent = String(members.length);
  const emails = members.map((m) => m.email).filter(Boolean);
  morph($("[data-c4-committee]"), members.length ? [
    ...members.map((m) => el("li", { id: `c4-member-${m.participant_id}`, class: "c4-item c4-member" },
      el("p", { class: "c4-member-name" }, el("strong", {}, userText(m.name)),
        m.organisation ? el("span", { class: "c4-member-org" }, " · ", userText(m.organisation)) : null),
      m.role ? el("p", { class: "c4-role", dir: "auto" }, m.role) : null,
      m.email ? el("p", { class: "c4-meta" }, el("a", { href: `mailto:${m.email}`, class: "c4-email", dir: "ltr" }, m.email)) : null,
      m.consented_at ? el("p", { class: "c4-consent" }, fill(t("c4_consent_given"), { when: formatMoment(m.consented_at) })) : null)),
    emails.length ? el("li", { id: "c4-write-all", class: "c4-write-all" },
      el("a", { href: `mailto:${emails.join(",")}`, class: "button secondary small" }, t("c4_write_to_committee"))) : null,
  ] : [el("li", { class: "hint", id: "c4-committee-none" }, t("c4_no_committee_yet"))]);
}

// --- what was recorded after the room --------------------------------------------------------

function who(actor) {
  const [kind, id] = String(actor || "").split(":");
  const names = config.facilitators || {};
  if (kind === "facilitator" && names[id]) return names[id];
  return t("c4_a_facilitator");
}

function changed(fields) {
  const words = TEXT_FIELDS.filter((k) => fields && typeof fields[k] === "string" && fields[k].trim())
    .map((k) => fields[k].trim());
  const line = words.join(" · ");
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

function renderRecords(state) {
  const records = (state.closing.records || []).slice().reverse(); // the newest first
  $("[data-c4-record-count]").textContent = String(records.length);
  document.body.classList.toggle("c4-recorded", records.length > 0);
  $("[data-c4-records-panel]").hidden = !records.length; // the factors have the column until then
  morph($("[data-c4-records]"), records.length ? records.map((r) => {
    const what = r.kind === "correction" ? t(`c4_corrected_${(r.operation || "").replace(".", "_")}`) : t(`c4_record_${r.kind}`);
    const words = r.kind === "correction" ? changed(r.fields) : "";
    return el("li", { id: `c4-record-${r.id}`, class: `c4-item c4-record record-${r.kind}` },
      el("p", { class: "c4-item-title" }, el("strong", {}, what.startsWith("c4_corrected_") ? t("c4_corrected_other") : what)),
      words ? el("p", { class: "c4-item-text", dir: "auto" }, words) : null,
      el("p", { class: "c4-meta" }, userText(who(r.actor)), " · ", formatMoment(r.at)));
  }) : [el("li", { class: "hint", id: "c4-records-none" }, t("c4_nothing_recorded_yet"))]);
}

export function render(state) {
  if (state.stage.stage !== "closing") return;
  renderClose(state);
  renderMeasures(state);
  renderCommittee(state);
  renderRecords(state);
}

const redraw = () => ctx && ctx.client.state && render(ctx.client.state);

// --- actions ---------------------------------------------------------------------------------

const valuesOf = (m) => ({ text: m.text, owner: m.owner, due: m.due || "" });
function readMeasure(form) {
  return { text: form.elements.text.value, owner: form.elements.owner.value, due: form.elements.due.value };
}

on(document, "submit", "[data-c4-measure-form]", async (form, event) => {
  event.preventDefault();
  const values = readMeasure(form);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const ack = await ctx.run("measure.add", values, "measures", fill(t("c4_measure_added"), { text: values.text.trim() }));
  button.disabled = false;
  if (ack.ok) {
    form.reset();
    form.elements.text.focus();
  }
});

on(document, "input", "[data-c4-measure-edit]", (form) => { if (editing) editing.values = readMeasure(form); });
on(document, "submit", "[data-c4-measure-edit]", async (form, event) => {
  event.preventDefault();
  const id = Number(form.dataset.c4MeasureEdit);
  editing.values = readMeasure(form);
  editing.saving = true;
  const ack = await ctx.run("measure.edit", { measure_id: id, version: editing.version, ...editing.values }, "measures",
    t("c4_measure_saved"));
  if (editing && editing.id === id) {
    editing.saving = false;
    if (ack.ok) editing = null;
    else if (ack.error && ack.error.code === "stale_version") {
      editing.stale = { message: ack.error.message, current: ack.error.details.current };
      editing.version = ack.error.details.current.version; // saving again replaces it, knowingly
    }
  }
  redraw();
});

on(document, "change", "[data-c4-share]", async (box) => {
  const ack = await ctx.run("plan.share", { shared: box.checked }, "close",
    box.checked ? t("c4_plan_shared") : t("c4_plan_not_shared"));
  if (!ack.ok && !ack.pending) box.checked = !box.checked;
});

on(document, "click", "[data-c4]", async (node) => {
  if (!ctx) return undefined;
  const action = node.dataset.c4;
  const state = ctx.client.state;
  const id = Number(node.dataset.id);
  if (action === "close-ask") {
    asking = true;
    redraw();
    return document.querySelector("[data-c4=close-yes]")?.focus();
  }
  if (action === "close-no") {
    asking = false;
    redraw();
    return document.querySelector("[data-c4=close-ask]")?.focus();
  }
  if (action === "close-yes") {
    node.disabled = true;
    const ack = await ctx.run("workshop.close", {}, "close"); // the strip itself turns into "closed"
    node.disabled = false;
    asking = false;
    return redraw() || ack;
  }
  if (action === "reopen") return ctx.run("workshop.reopen", {}, "close", t("c4_workshop_reopened"));
  if (action === "measure-edit") {
    const m = state.shared_plan.measures.find((x) => x.id === id);
    if (!m) return undefined;
    editing = { id, version: m.version, values: valuesOf(m), stale: null };
    redraw();
    return document.getElementById(`c4-m${id}-text`)?.focus();
  }
  if (action === "measure-cancel") { editing = null; return redraw(); }
  if (action === "measure-take-theirs") {
    const m = state.shared_plan.measures.find((x) => x.id === editing.id) || editing.stale.current;
    editing = { ...editing, version: m.version, values: valuesOf(m), stale: null };
    return redraw();
  }
  if (action === "measure-remove") { removing = id; return redraw(); }
  if (action === "measure-remove-no") { removing = null; return redraw(); }
  if (action === "measure-remove-yes") {
    removing = null;
    redraw();
    return ctx.run("measure.remove", { measure_id: id }, "measures", t("c4_measure_removed"));
  }
  return undefined;
});

export function setup(lent) {
  ctx = lent;
}
