// Step 3's pieces every view draws: a group's entries (objectives, actors, actions) as
// text, the sub-step a stage belongs to, counts, and the entry form (phone and console).
// Text is always set as text; a person's words are isolated for direction: in the page,
// each in its own <bdi> (or an element with dir="auto"); in a plain-text sentence (a
// feedback line, a label), between FSI and PDI. French keeps its narrow no-break space
// before : ; ! ? wherever a script composes a text.
import { el, userText } from "../core/dom.js";
import { addMessages, pageLang, t } from "../core/i18n.js";
import { board, groupById } from "../steps/groups.js";

export const SUBSTEPS = ["objectives", "actors", "actions"];
export const ENTRY = { objectives: "objective", actors: "actor", actions: "action" };
export const ACTOR_KINDS = ["public", "chamber", "private", "diaspora", "international", "other"];
const lang = pageLang();

// Step 3's own strings, handed over by its templates (#step3-i18n), beside the page's.
const own = document.getElementById("step3-i18n");
if (own) addMessages(JSON.parse(own.textContent));

/** A person's words inside a plain-text sentence (FSI … PDI). */
export const isolate = (text) => `\u2068${text}\u2069`;

/** A sentence with a person's words in it, as nodes: `values` that are strings go in
 *  their own <bdi>; numbers and nodes are put as they are. */
export function sentence(template, values = {}) {
  return String(template).split(/(%\(\w+\)[sd])/).filter(Boolean).map((part) => {
    const match = /^%\((\w+)\)[sd]$/.exec(part);
    if (!match || !(match[1] in values)) return part;
    const value = values[match[1]];
    return typeof value === "string" ? userText(value) : value;
  });
}

/** People's words as a list in the page's language ("A, B et C", "A وB وC"), each
 *  isolated (`wrap`: how each is drawn). */
export function listOf(texts, wrap = userText) {
  try {
    const format = new Intl.ListFormat(lang, { style: "long", type: "conjunction" });
    let i = 0;
    return format.formatToParts(texts.map((_, n) => String(n))).map((part) =>
      (part.type === "element" ? wrap(texts[i++]) : part.value));
  } catch {
    return texts.flatMap((text, n) => [n ? (lang === "ar" ? "، " : ", ") : "", wrap(text)]);
  }
}

/** An objective's number, "#2": left to right on every page (in an Arabic line, "#2"
 *  alone would show as "2#"). */
export const numbered = (n) => el("bdi", { dir: "ltr", class: "ref" }, `#${n}`);

/** A title quoted the page's way: « titre », “title”. */
export function quoted(text) {
  if (lang === "fr") return ["«\u202f", userText(text), "\u202f»"];
  if (lang === "ar") return ["«", userText(text), "»"];
  return ["“", userText(text), "”"];
}

/** "objectives" for objectives and objectives_synthesis; null outside Step 3. */
export function substepOf(stage) {
  const key = String(stage || "").replace(/_synthesis$/, "");
  return SUBSTEPS.includes(key) ? key : null;
}

export const isSynthesis = (stage) => /_synthesis$/.test(stage || "");

/** The groups still working (a retired group's priority is no longer confirmed). */
export function activeGroups(state) {
  return state.groups ? state.groups.list.filter((g) => !g.retired)
    .sort((a, b) => ((a.rank || 99) - (b.rank || 99)) || (a.id - b.id)) : [];
}

export function personById(state, id) {
  return state.participants.list.find((p) => p.id === id);
}

export function rapporteurName(state, group) {
  const p = group && group.rapporteur_id ? personById(state, group.rapporteur_id) : null;
  return p ? p.name : null;
}

export function entryCount(b) {
  return b.objectives.length + b.actors.length + b.actions.length;
}

/** A deadline "2015-12-15" in the page's language (Latin digits, as the server writes). */
export function formatDate(iso) {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  try {
    return new Intl.DateTimeFormat(`${lang}-u-nu-latn`, { dateStyle: "medium", timeZone: "UTC" })
      .format(new Date(Date.UTC(y, m - 1, d)));
  } catch {
    return iso;
  }
}

export function kindOfActor(kind) {
  return t(`actor_${kind}`);
}

function nameList(ids, list, key) {
  return ids.map((id) => list.find((x) => x.id === id)).filter(Boolean).map((x) => x[key]);
}

/** The lines of an entry, without controls. `compact` leaves out the action's details. */
export function entryBody(kind, entry, b, { compact = false } = {}) {
  if (kind === "objective") return [el("p", { class: "entry-text", dir: "auto" }, entry.text)];
  if (kind === "actor") {
    return [el("p", { class: "entry-text" }, el("strong", {}, userText(entry.name)), " ",
      el("span", { class: "entry-kind" }, kindOfActor(entry.kind))),
    entry.role && !compact ? el("p", { class: "entry-detail", dir: "auto" }, entry.role) : null];
  }
  const lead = b.actors.find((a) => a.id === entry.lead_actor_id);
  const partners = nameList(entry.partner_ids || [], b.actors, "name");
  const served = (entry.objective_ids || []).map((id) => b.objectives.findIndex((o) => o.id === id) + 1)
    .filter((n) => n > 0);
  const line = (label, ...value) => el("p", { class: "entry-detail" }, el("span", { class: "entry-label" }, label), " ", ...value);
  return [el("p", { class: "entry-text", dir: "auto" }, el("strong", {}, entry.title)),
    lead ? line(t("lead_actor"), userText(lead.name)) : null,
    partners.length && !compact ? line(t("partners"), ...listOf(partners)) : null,
    entry.deadline ? line(t("deadline"), el("span", { class: "entry-date" }, formatDate(entry.deadline))) : null,
    served.length && !compact ? line(t("serves_objectives"), ...served.flatMap((n, i) => [i ? " " : "", numbered(n)])) : null,
    entry.expected_result && !compact ? line(t("expected_result"), userText(entry.expected_result)) : null,
    entry.resources && !compact ? line(t("resources"), userText(entry.resources)) : null];
}

/** An entry as a list item: `prefix` distinguishes the views' ids. */
export function entryItem(kind, entry, b, { prefix = "", controls = null, number = null, compact = false } = {}) {
  return el("li", { id: `${prefix}${kind}-${entry.id}`, class: `entry entry-${kind}${entry.highlighted ? " highlighted" : ""}`,
    dataset: { entry: kind, entryId: entry.id } },
  entry.highlighted ? el("span", { class: "star", role: "img", "aria-label": t("highlighted") }, "★") : null,
  number ? el("span", { class: "entry-number", dir: "ltr" }, `#${number}`) : null,
  el("div", { class: "entry-body" }, ...entryBody(kind, entry, b, { compact })),
  controls);
}

/** The entries of one sub-step, highlighted first at a synthesis when `highlightFirst`. */
export function entriesOf(b, substep, { highlightFirst = false, newestFirst = false } = {}) {
  let list = b[substep].slice();
  if (newestFirst) list.reverse();
  if (highlightFirst) list = [...list.filter((e) => e.highlighted), ...list.filter((e) => !e.highlighted)];
  return list;
}

export { board, groupById };

// --- the entry form: one for each kind, with thumb-sized pickers --------------------------

/** The fields of an entry form. `values` prefill it (an entry being edited, or a draft);
 *  ids are prefixed so two forms can live on one page. */
export function entryFields(kind, b, values = {}, { prefix = "e3", minDate = null } = {}) {
  const id = (name) => `${prefix}-${kind}-${name}`;
  const field = (name, label, control, hint = null) => el("div", { class: "field" },
    el("label", { for: id(name) }, label), control, hint);
  if (kind === "objective") {
    return [field("text", t("objective_text"), el("textarea", { id: id("text"), name: "text", rows: 3, maxlength: 300,
      dir: "auto", required: true }, values.text || ""))];
  }
  if (kind === "actor") {
    return [
      field("name", t("actor_name"), el("input", { type: "text", id: id("name"), name: "name", maxlength: 120,
        dir: "auto", value: values.name || "", required: true, autocomplete: "off" })),
      field("kind", t("actor_kind"), el("select", { id: id("kind"), name: "kind" },
        ...ACTOR_KINDS.map((k) => el("option", { value: k, selected: (values.kind || "other") === k }, kindOfActor(k))))),
      field("role", t("actor_role"), el("textarea", { id: id("role"), name: "role", rows: 2, maxlength: 300, dir: "auto" },
        values.role || "")),
    ];
  }
  const servedIds = new Set(values.objective_ids || []);
  const partnerIds = new Set(values.partner_ids || []);
  const picker = (name, legend, items, chosen, label) => el("fieldset", { class: "picker", id: id(name) },
    el("legend", {}, legend),
    items.length ? items.map((item, i) => el("label", { class: "check pick" },
      el("input", { type: "checkbox", name, value: item.id, checked: chosen.has(item.id) }),
      el("span", {}, ...label(item, i))))
      : el("p", { class: "hint" }, name === "objective_ids" ? t("no_objectives_yet") : t("no_actors_yet")));
  return [
    field("title", t("action_title"), el("input", { type: "text", id: id("title"), name: "title", maxlength: 200,
      dir: "auto", value: values.title || "", required: true, autocomplete: "off" })),
    picker("objective_ids", t("serves_objectives"), b.objectives, servedIds, (o, i) => [numbered(i + 1), " ", userText(o.text)]),
    field("lead_actor_id", t("lead_actor"), el("select", { id: id("lead_actor_id"), name: "lead_actor_id" },
      el("option", { value: "" }, t("no_lead")),
      ...b.actors.map((a) => el("option", { value: a.id, selected: values.lead_actor_id === a.id, dir: "auto" }, a.name)))),
    picker("partner_ids", t("partners"), b.actors, partnerIds, (a) => [userText(a.name)]),
    field("deadline", t("deadline"), el("input", { type: "date", id: id("deadline"), name: "deadline",
      value: values.deadline || "", min: minDate })),
    field("expected_result", t("expected_result"), el("textarea", { id: id("expected_result"), name: "expected_result",
      rows: 2, maxlength: 500, dir: "auto" }, values.expected_result || "")),
    field("resources", t("resources"), el("textarea", { id: id("resources"), name: "resources", rows: 2,
      maxlength: 500, dir: "auto" }, values.resources || "")),
  ];
}

/** What a form holds, as an operation's payload (an action's lists as ids). */
export function formValues(kind, form) {
  const f = form.elements;
  if (kind === "objective") return { text: f.text.value };
  if (kind === "actor") return { name: f.name.value, kind: f.kind.value, role: f.role.value };
  const ids = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((x) => Number(x.value));
  const lead = f.lead_actor_id.value ? Number(f.lead_actor_id.value) : null;
  return {
    title: f.title.value,
    objective_ids: ids("objective_ids"),
    lead_actor_id: lead,
    partner_ids: ids("partner_ids").filter((id) => id !== lead), // the lead is never also a partner
    deadline: f.deadline.value || null,
    expected_result: f.expected_result.value,
    resources: f.resources.value,
  };
}

/** An edit's payload: in an edit, "no lead" is 0 and "no deadline" is "" (docs/protocol.md). */
export function editPayload(kind, values) {
  if (kind !== "action") return values;
  return { ...values, lead_actor_id: values.lead_actor_id || 0, deadline: values.deadline || "" };
}

/** The earliest deadline a date input offers: the workshop's date, or today. */
export function earliestDeadline(state) {
  if (state.workshop.date) return state.workshop.date;
  return new Date().toISOString().slice(0, 10);
}

// --- asking before an entry is removed ----------------------------------------------------

/** The "Remove this entry? Remove / Cancel" of a board entry, the same on the console's
 *  boards and on the phone's (each view held its own copy): which entry waits for "yes",
 *  the question drawn in place of the entry's controls, and the three clicks. `attr` is the
 *  view's click attribute ("c3" for data-c3, "g3" for data-g3); `send(name, payload,
 *  success)` sends the removal the view's way and says `success` where it answers. */
export function removal(attr, send) {
  let waiting = null; // {kind, id}: waiting for "yes"
  return {
    /** The question, in place of the entry's controls, while it waits for "yes"; else null. */
    question(kind, entry) {
      if (!waiting || waiting.kind !== kind || waiting.id !== entry.id) return null;
      return el("p", { class: "card-actions ask" }, t("remove_entry_question"), " ",
        el("button", { type: "button", class: "small danger", dataset: { [attr]: "remove-yes" } }, t("remove")),
        el("button", { type: "button", class: "small secondary", dataset: { [attr]: "remove-no" } }, t("cancel")));
    },
    /** The room is on `kind`'s sub-step: a question about another kind is dropped. */
    keep(kind) {
      if (waiting && waiting.kind !== kind) waiting = null;
    },
    handles: (action) => action === "remove" || action === "remove-no" || action === "remove-yes",
    /** One of the three clicks (`handles`): ask, forget, or remove and say so. */
    click(action, kind, id, redraw) {
      if (action === "remove") { waiting = { kind, id }; return redraw(); }
      if (action === "remove-no") { waiting = null; return redraw(); }
      const entry = waiting;
      waiting = null;
      redraw();
      if (!entry) return undefined; // a second "yes" once the question is gone
      return send(`${entry.kind}.remove`, { [`${entry.kind}_id`]: entry.id }, t("entry_removed"));
    },
  };
}
