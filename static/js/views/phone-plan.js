// Step 4 and the closing on the phone (templates/phone/_step4.html): the synergies as the
// facilitators accept them and proposing one (my proposals with their status); the shared
// action plan as it forms; key success factors to propose and endorse; the immediate
// measures; the open steering committee and signing up for it. A closed workshop is read
// only: every form and button goes, a line at the top says why, and they come back if it
// is reopened.
//
// The forms are static in the page, so an event never touches what the person types;
// lists are drawn by key (morph), and the group boxes are drawn from what is ticked.
// Each answer shows next to the control that asked; a change waiting for the connection
// shows in its list, marked as not sent yet.
import { config } from "../core/page.js";
import { el, morph, on, userText } from "../core/dom.js";
import { pageLang, t, tn } from "../core/i18n.js";
import { isClosed, readContacts, reasonText } from "../steps/shared-plan.js";
import { activeGroups, formatDate, groupById } from "./board.js";

const $ = (selector) => document.querySelector(selector);
const STAGES = new Set(["synergies", "shared_plan", "closing"]);
const SEPARATOR = pageLang() === "ar" ? "، " : ", ";
let client = null;
let removing = null; // id of my success factor waiting for "yes"
let leaving = false; // "leave the committee?" asked
let changing = false; // the sign-up form is open to change my sign-up
const answering = new Set(); // op_ids sent while connected, not answered yet: not "waiting"

// --- answers next to the control that asked ----------------------------------------------

const notes = new Map(); // where -> {message, kind}: kept when a list item is redrawn
const timers = new Map();

function paintNote(box, where) {
  const note = notes.get(where);
  box.textContent = note ? note.message : "";
  box.hidden = !note;
  box.dataset.kind = note ? note.kind : "ok";
  box.setAttribute("role", note && note.kind === "error" ? "alert" : "status");
}

function say(where, message, kind = "ok") {
  clearTimeout(timers.get(where));
  if (message) notes.set(where, { message, kind });
  else notes.delete(where);
  for (const box of document.querySelectorAll(`[data-feedback4="${where}"]`)) paintNote(box, where);
  if (message && kind === "ok") timers.set(where, setTimeout(() => say(where, null), 5000));
}

/** A feedback line inside a list item (drawn again with the item, keeping its note). */
function noteNode(where) {
  const box = el("p", { class: "feedback", id: `p4-note-${where}`, dataset: { feedback4: where } });
  paintNote(box, where);
  return box;
}

const redraw = () => client && client.state && render(client.state);

/** Send a change; its answer is said at `where`. Returns at once {queued, done}: queued
 *  when the phone is offline (the change waits in the outbox and shows in its list), done
 *  resolves with the ack once the server answers (or the ack times out: `pending`). */
function send(name, payload, where, success) {
  say(where, null);
  const queued = !client.socket.connected || client.syncing;
  const before = client.outbox().length;
  const answer = client.send(name, payload);
  const outbox = client.outbox();
  const opId = outbox.length > before ? outbox.at(-1).payload.op_id : null;
  if (!queued && opId) answering.add(opId);
  if (queued) {
    say(where, t("will_be_sent"), "pending");
    redraw();
  }
  const done = answer.then((ack) => {
    answering.delete(opId);
    if (ack.ok) say(where, success || null);
    else if (ack.pending) say(where, t("will_be_sent"), "pending");
    else say(where, ack.error ? ack.error.message : t("error"), "error");
    redraw();
    return ack;
  });
  return { queued, done };
}

/** My changes of this kind still in the outbox (not sent, or not answered in time). */
function waiting(name) {
  return (client ? client.outbox() : []).filter((item) => item.name === name && !answering.has(item.payload.op_id));
}

// --- pieces ------------------------------------------------------------------------------

/** A sentence with a person's words in it: "%(role)s" becomes an isolated node. */
function sentence(template, values) {
  return String(template).split(/(%\(\w+\)[sd])/).map((part) => {
    const name = (part.match(/^%\((\w+)\)[sd]$/) || [])[1];
    return name && name in values ? values[name] : part;
  });
}

function chip(rank, title) {
  return el("li", { class: "p4-chip" },
    el("span", { class: "p4-rank" }, el("span", { class: "visually-hidden" }, `${t("priority")} `), String(rank || "–")),
    userText(title));
}

const byRank = (a, b) => ((a.rank || 99) - (b.rank || 99)) || (a.id - b.id);

/** The groups a synergy or a proposal joins, by priority number and title. */
function groupChips(state, ids) {
  const groups = (ids || []).map((id) => groupById(state, id)).filter(Boolean).sort(byRank);
  return groups.length ? el("ul", { class: "p4-chips" }, groups.map((g) => chip(g.rank, g.title))) : null;
}

/** The priorities a shared action serves (confirmed themes), by number and title. */
function priorityChips(state, themeIds) {
  const confirmed = (state.priorities && state.priorities.confirmed) || [];
  const themes = (themeIds || []).map((id) => confirmed.find((p) => p.id === id)).filter(Boolean)
    .map((p) => ({ id: p.id, rank: p.confirmed_rank, title: p.title })).sort(byRank);
  return themes.length ? el("ul", { class: "p4-chips" }, themes.map((p) => chip(p.rank, p.title))) : null;
}

function line(label, ...value) {
  return el("p", { class: "entry-detail" }, el("span", { class: "entry-label" }, label), " ", ...value);
}

function names(list) {
  return list.flatMap((name, i) => [i ? SEPARATOR : "", userText(name)]);
}

function empty(id, message) {
  return [el("li", { id, class: "hint p4-empty" }, message)];
}

function count(key, n) {
  const node = $(`[data-p4-count="${key}"]`);
  if (node) node.textContent = String(n);
}

// --- the closed workshop ------------------------------------------------------------------

function renderClosed(state) {
  const closed = isClosed(state);
  document.body.dataset.closed = closed ? "yes" : "no";
  const url = config.plan_url; // SLOT: null until the public plan's route exists
  const shared = Boolean(state.workshop && state.workshop.plan_shared && url);
  $("[data-p4-closed]").hidden = !closed && !shared;
  $("[data-p4-closed-text]").hidden = !closed;
  $("[data-p4-plan]").hidden = !shared;
  if (shared) $("[data-p4-plan-link]").setAttribute("href", url);
}

// --- synergies ----------------------------------------------------------------------------

function renderSynergies(state) {
  const list = ((state.synergies && state.synergies.list) || []).filter((s) => s.status === "accepted");
  count("synergies", list.length);
  morph($("[data-p4-synergies]"), list.length ? list.map((s) => el("li", { id: `p4-synergy-${s.id}`, class: "p4-item" },
    el("p", { class: "p4-title", dir: "auto" }, s.title),
    reasonText(s.reason) ? el("p", { class: "p4-note" }, reasonText(s.reason)) : null,
    s.note ? el("p", { class: "p4-note", dir: "auto" }, s.note) : null,
    groupChips(state, s.group_ids)))
    : empty("p4-synergies-empty", t("p4_no_synergies")));
}

function proposalStatus(state, proposal) {
  if (proposal.status === "accepted") {
    const synergy = ((state.synergies && state.synergies.list) || []).find((s) => s.id === proposal.synergy_id);
    return synergy ? sentence(t("p4_status_accepted_as"), { title: userText(synergy.title) }) : [t("p4_status_accepted")];
  }
  return [t(`p4_status_${proposal.status}`)];
}

function renderPropose(state, open) {
  const form = $("[data-p4-propose-form]");
  form.hidden = !open;
  const ticked = new Set([...form.querySelectorAll("input[name=group]:checked")].map((x) => Number(x.value)));
  morph($("[data-p4-groups]"), activeGroups(state).map((g) => el("label", { class: "check pick", id: `p4-pick-${g.id}` },
    el("input", { type: "checkbox", name: "group", value: g.id, checked: ticked.has(g.id) }),
    el("span", { class: "p4-pick-text" }, el("span", { class: "p4-rank" },
      el("span", { class: "visually-hidden" }, `${t("priority")} `), String(g.rank || "–")), " ", userText(g.title)))));
  const mine = (state.synergies && state.synergies.my_proposals) || [];
  const notYet = waiting("synergy.propose").map((item) => ({ id: `w-${item.payload.op_id}`, text: item.payload.text,
    group_ids: item.payload.group_ids || [], status: "waiting" }));
  const items = [...notYet.reverse(), ...mine.slice().reverse()]; // newest first
  $("[data-p4-mine]").hidden = !items.length;
  morph($("[data-p4-proposals]"), items.map((p) => el("li", { id: `p4-proposal-${p.id}`, class: "p4-item p4-proposal",
    dataset: { status: p.status } },
  el("p", { class: "p4-status", dataset: { status: p.status } }, ...proposalStatus(state, p)),
  el("p", { class: "p4-text", dir: "auto" }, p.text),
  groupChips(state, p.group_ids))));
}

// --- the shared action plan and the immediate measures --------------------------------------

function renderActions(state) {
  const actions = (state.shared_plan && state.shared_plan.actions) || [];
  count("actions", actions.length);
  morph($("[data-p4-actions]"), actions.length ? actions.map((a) => el("li", { id: `p4-action-${a.id}`, class: "p4-item p4-action" },
    el("p", { class: "p4-title", dir: "auto" }, a.title),
    a.description ? el("p", { class: "p4-note", dir: "auto" }, a.description) : null,
    a.lead ? line(t("lead_actor"), userText(a.lead)) : null,
    a.partners && a.partners.length ? line(t("partners"), ...names(a.partners)) : null,
    a.deadline ? line(t("deadline"), el("span", { class: "entry-date" }, formatDate(a.deadline))) : null,
    a.expected_result ? line(t("expected_result"), userText(a.expected_result)) : null,
    a.theme_ids && a.theme_ids.length ? el("div", { class: "p4-serves" },
      el("p", { class: "entry-detail" }, el("span", { class: "entry-label" }, t("p4_serves"))),
      priorityChips(state, a.theme_ids)) : null))
    : empty("p4-actions-empty", t("p4_no_actions")));
}

function renderMeasures(state) {
  const measures = (state.shared_plan && state.shared_plan.measures) || [];
  count("measures", measures.length);
  morph($("[data-p4-measures]"), measures.length ? measures.map((m) => el("li", { id: `p4-measure-${m.id}`, class: "p4-item p4-measure" },
    el("p", { class: "p4-title", dir: "auto" }, m.text),
    m.owner ? line(t("p4_owner"), userText(m.owner)) : null,
    m.due ? line(t("p4_due"), el("span", { class: "entry-date" }, formatDate(m.due))) : null))
    : empty("p4-measures-empty", t("p4_no_measures")));
}

// --- key success factors -------------------------------------------------------------------

function factorItem(state, factor, open) {
  const me = state.me.id;
  const endorsed = (factor.endorsements || []).includes(me);
  const mine = factor.author_id === me;
  const where = `factor-${factor.id}`;
  const asking = open && removing === factor.id;
  return el("li", { id: `p4-factor-${factor.id}`, class: `p4-item p4-factor${endorsed ? " endorsed" : ""}` },
    el("p", { class: "p4-text", dir: "auto", id: `p4-factor-text-${factor.id}` }, factor.text),
    el("div", { class: "p4-factor-foot" },
      el("p", { class: "p4-endorsements", dataset: { count: (factor.endorsements || []).length } },
        tn("p4_n_endorsements", (factor.endorsements || []).length),
        endorsed ? el("span", { class: "p4-you-endorse" }, ` · ${t("p4_you_endorse")}`) : null),
      // A toggle whose name is what it shows ("Endorse", then "Endorsed"; aria-pressed
      // says on or off): the shown words follow aria-pressed through the CSS, as a
      // focused button's content is never morphed (core/dom.js) but its attributes are
      open ? el("button", { type: "button", class: endorsed ? "p4-endorse" : "p4-endorse secondary",
        "aria-pressed": endorsed ? "true" : "false",
        "aria-describedby": `p4-factor-text-${factor.id}`, dataset: { p4: "endorse", id: factor.id } },
      el("span", { class: "p4-when-off" }, t("p4_endorse")),
      el("span", { class: "p4-when-on" }, t("p4_endorsed"))) : null),
    mine ? el("p", { class: "p4-mine-line" }, el("span", { class: "p4-by-you" }, t("p4_proposed_by_you")),
      open && !asking ? el("button", { type: "button", class: "link danger", dataset: { p4: "remove-factor", id: factor.id } },
        t("remove")) : null) : null,
    asking ? el("p", { class: "ask" }, t("p4_remove_factor_question"), " ",
      el("button", { type: "button", class: "small danger", dataset: { p4: "remove-yes", id: factor.id } }, t("remove")),
      el("button", { type: "button", class: "small secondary", dataset: { p4: "remove-no" } }, t("cancel"))) : null,
    noteNode(where));
}

function renderFactors(state, open) {
  const factors = (state.closing && state.closing.factors) || [];
  $("[data-p4-factor-form]").hidden = !open;
  $("[data-p4-factors-hint]").hidden = !open;
  if (removing && !factors.some((f) => f.id === removing)) removing = null;
  const notYet = waiting("factor.propose").map((item) => el("li", { id: `p4-factor-w-${item.payload.op_id}`,
    class: "p4-item p4-factor waiting" },
  el("p", { class: "p4-text", dir: "auto" }, item.payload.text),
  el("p", { class: "p4-status", dataset: { status: "waiting" } }, t("p4_status_waiting"))));
  count("factors", factors.length);
  const items = [...factors.map((f) => factorItem(state, f, open)), ...notYet];
  morph($("[data-p4-factors]"), items.length ? items : empty("p4-factors-empty", t("p4_no_factors")));
}

// --- the open steering committee -------------------------------------------------------------

function renderCommittee(state, open) {
  const closing = state.closing || { committee: [] };
  const me = state.me.id;
  const members = closing.committee || [];
  // my sign-up, once its email is known (read again when committee.contact says it changed)
  const mine = closing.my_membership && closing.my_membership.email ? closing.my_membership : null;
  if (closing.my_membership && !mine) readContacts(client, redraw);
  count("committee", members.length);
  morph($("[data-p4-committee]"), members.length ? members.map((m) => el("li", { id: `p4-member-${m.participant_id}`,
    class: m.participant_id === me ? "me" : null },
  el("p", { class: "p4-person" }, el("strong", {}, userText(m.name)),
    m.participant_id === me ? el("span", { class: "p4-you" }, ` (${t("p4_you")})`) : null,
    m.organisation ? el("span", { class: "p4-org" }, " · ", userText(m.organisation)) : null),
  m.role ? el("p", { class: "p4-role", dir: "auto" }, m.role) : null))
    : empty("p4-committee-empty", t("p4_no_committee")));

  if (!mine || !open) changing = false;
  if (!mine) leaving = false;
  const box = $("[data-p4-membership]");
  box.hidden = !mine;
  const waiting = Boolean(closing.my_membership) && !mine; // for a moment: neither the form nor the box
  if (mine) {
    $("[data-p4-membership-line]").replaceChildren(...(mine.role
      ? sentence(t("p4_on_committee_as"), { role: userText(mine.role) }) : [t("p4_on_committee")]));
    $("[data-p4-membership-email]").replaceChildren(...sentence(t("p4_contact_at"),
      { email: el("bdi", { dir: "ltr" }, mine.email || "") }));
  }
  // leaving stays possible once the workshop is closed: consent can always be withdrawn
  $("[data-p4-membership-buttons]").hidden = leaving || changing;
  $("[data-p4=change-membership]").hidden = !open;
  $("[data-p4-leave-ask]").hidden = !leaving;
  $("[data-p4-leave-question]").textContent = t("p4_leave_question");

  const form = $("[data-p4-committee-form]");
  form.hidden = !open || waiting || (Boolean(mine) && !changing);
  $("[data-p4-committee-form-heading]").textContent = changing ? t("p4_change_heading") : t("p4_join_heading");
  $("[data-p4-committee-submit]").textContent = changing ? t("p4_save_change") : t("p4_sign_up");
  $("[data-p4-committee-cancel]").hidden = !changing;
}

// --- drawing -------------------------------------------------------------------------------

export function render(state) {
  renderClosed(state);
  const stage = state.stage.stage;
  if (!STAGES.has(stage)) return;
  const open = !isClosed(state);
  if (stage === "synergies" || stage === "shared_plan") {
    renderSynergies(state);
    renderPropose(state, open);
  }
  if (stage === "shared_plan" || stage === "closing") {
    renderFactors(state, open);
    renderActions(state);
  }
  if (stage === "closing") {
    renderMeasures(state);
    renderCommittee(state, open);
  }
}

// --- what the person does ------------------------------------------------------------------

/** The form is done with a text once the server has it or it waits in the outbox: empty
 *  it, unless the person has started another text meanwhile. */
function release(field, sent) {
  if (field.value === sent) field.value = "";
}

/** Send a form's text: the button waits for the first answer (never for the connection);
 *  the text leaves the box once the server has it or it waits safely in the outbox, and a
 *  refused text stays (or comes back) for the person to correct. */
async function sendForm(form, field, name, payload, where, success, afterSent = () => {}) {
  const button = form.querySelector("button[type=submit]");
  const text = field.value;
  const { queued, done } = send(name, payload, where, success);
  if (queued) {
    release(field, text);
    afterSent();
  } else button.disabled = true;
  const ack = await done;
  button.disabled = false;
  if (ack.ok || ack.pending) {
    release(field, text);
    afterSent();
  } else if (!field.value.trim()) field.value = text;
  redraw();
  return ack;
}

on(document, "submit", "[data-p4-propose-form]", (form, event) => {
  event.preventDefault();
  const text = form.elements.text.value;
  const groupIds = [...form.querySelectorAll("input[name=group]:checked")].map((x) => Number(x.value));
  if (!text.trim()) return say("propose", t("p4_empty_proposal"), "error");
  if (groupIds.length === 1) return say("propose", t("p4_one_group"), "error");
  return sendForm(form, form.elements.text, "synergy.propose", { text, group_ids: groupIds }, "propose",
    t("p4_proposal_sent"), () => {
      for (const box of form.querySelectorAll("input[name=group]")) box.checked = false;
    });
});

on(document, "submit", "[data-p4-factor-form]", (form, event) => {
  event.preventDefault();
  const text = form.elements.text.value;
  if (!text.trim()) return say("factor", t("p4_empty_factor"), "error");
  return sendForm(form, form.elements.text, "factor.propose", { text }, "factor", t("p4_factor_sent"));
});

on(document, "submit", "[data-p4-committee-form]", async (form, event) => {
  event.preventDefault();
  const f = form.elements;
  const wasMember = Boolean(client.state && client.state.closing && client.state.closing.my_membership);
  const button = form.querySelector("button[type=submit]");
  const { queued, done } = send("committee.join", { role: f.role.value, email: f.email.value.trim(),
    consent: f.consent.checked }, "committee");
  button.disabled = !queued;
  const ack = await done;
  button.disabled = false;
  if (ack.ok) {
    // the ack carries my sign-up with its email (the one sent now; a resend's, as it is
    // now): shown at once, whichever of it and its events comes first
    if (client.state && client.state.closing && ack.member.email) client.state.closing.my_membership = ack.member;
    changing = false;
    form.reset();
    say("membership", wasMember ? t("p4_changed") : t("p4_joined"));
  }
  redraw();
});

on(document, "click", "[data-p4]", async (node) => {
  const action = node.dataset.p4;
  const state = client && client.state;
  if (!state) return;
  const id = Number(node.dataset.id);
  if (action === "endorse") {
    const factor = state.closing.factors.find((f) => f.id === id);
    if (!factor) return;
    send("factor.endorse", { factor_id: id, endorsed: !factor.endorsements.includes(state.me.id) },
      `factor-${id}`);
  } else if (action === "remove-factor") {
    removing = id;
    redraw();
    $(`#p4-factor-${id} [data-p4=remove-yes]`).focus();
  } else if (action === "remove-no") {
    const item = node.closest("li"); // kept by its id when the list is drawn again
    removing = null;
    redraw();
    const back = item && item.querySelector("[data-p4=remove-factor]");
    if (back) back.focus();
  } else if (action === "remove-yes") {
    removing = null;
    redraw();
    const ack = await send("factor.remove", { factor_id: id }, `factor-${id}`).done;
    if (ack.ok) say("factor", t("p4_factor_removed"));
  } else if (action === "change-membership") {
    const mine = state.closing.my_membership;
    const form = $("[data-p4-committee-form]");
    changing = true;
    say("membership", null);
    form.reset();
    if (mine) {
      form.elements.role.value = mine.role || "";
      form.elements.email.value = mine.email || "";
    }
    redraw();
    form.elements.role.focus();
  } else if (action === "cancel-change") {
    changing = false;
    say("committee", null);
    $("[data-p4-committee-form]").reset();
    redraw();
  } else if (action === "leave") {
    leaving = true;
    redraw();
    $("[data-p4=leave-yes]").focus();
  } else if (action === "leave-no") {
    leaving = false;
    redraw();
    $("[data-p4=leave]").focus();
  } else if (action === "leave-yes") {
    leaving = false;
    redraw();
    const ack = await send("committee.leave", {}, "membership").done;
    if (ack.ok) {
      if (client.state.closing) client.state.closing.my_membership = null;
      say("committee", t("p4_left"));
      redraw();
    }
  }
});

export function setup(liveClient) {
  client = liveClient;
}
