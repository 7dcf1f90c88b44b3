// Step 4 and the closing on every view: synergies, participants' proposals, the shared
// action plan, immediate measures, success factors, the steering committee and the
// closing record. The reducer keeps the `synergies`, `shared_plan` and `closing` parts of
// a snapshot in step with the events (see docs/protocol.md). What a viewer may not see
// (rejections, proposals, emails, records) never reaches it: the reducer only keeps
// what arrives. No event carries a committee member's email: the staff and the person
// read it with `committee.contacts` when `committee.contact` says it changed. No page is
// read: Node's tests load this module (the words come from core/i18n.js, at first use).

import { fill, pageLang, t, tn } from "../core/i18n.js";

/** "1, 2 and 3" in the page's language. */
function listed(values) {
  const words = values.map(String);
  try {
    return new Intl.ListFormat(pageLang(), { style: "long", type: "conjunction" }).format(words);
  } catch {
    return words.join(", ");
  }
}

/** A message handed over by the page, or null when the page has none for it. */
function said(key) {
  const text = t(key);
  return text === key ? null : text;
}

/** Why a synergy's groups meet, in the reader's language: the server sends the reason
 *  as data ({kind, names, groups} or {kind, shared_words, of_words}: see
 *  docs/synergies.md), because a room reads in several languages at once and one event
 *  reaches them all. "" when there is none (a synergy linked by hand) or the page was
 *  not handed the words for it. */
export function reasonText(reason) {
  if (!reason) return "";
  const words = reason.shared_words || [];
  if (reason.kind === "shared_actor" && reason.names && reason.names.length) {
    const named = said("reason_shared_actor");
    if (!named) return "";
    const quote = (name) => fill(said("reason_quoted") || "“%(name)s”", { name });
    const text = fill(named, { name: reason.names[0], groups: listed(reason.groups || []) });
    const also = said("reason_also_written");
    return reason.names.length > 1 && also
      ? `${text} ${fill(also, { names: listed(reason.names.slice(1).map(quote)) })}` : text;
  }
  if ((reason.kind === "similar_action" || reason.kind === "similar_objective") && words.length) {
    const total = Math.max(reason.of_words || 0, words.length);
    return said("reason_similar")  // a plural message: its forms, picked by tn
      ? tn("reason_similar", total, { n: words.length, words: listed(words.slice(0, 6)) }) : "";
  }
  if (reason.kind === "shared_resource" && words.length) {
    const need = said("reason_shared_resource");
    return need ? fill(need, { words: listed(words.slice(0, 6)) }) : "";
  }
  return "";
}

function upsert(list, item, key = "id") {
  const i = list.findIndex((x) => x[key] === item[key]);
  if (i === -1) list.push(item);
  else list[i] = { ...list[i], ...item };
}

function drop(list, id, key = "id") {
  return list.filter((x) => x[key] !== id);
}

const byDue = (a, b) => (a.due || "9999").localeCompare(b.due || "9999") || a.id - b.id;

export function applySteps4(state, event) {
  const d = event.data;
  const syn = state.synergies;
  const plan = state.shared_plan;
  const closing = state.closing;
  switch (event.type) {
    case "synergy.saved":
      if (syn) upsert(syn.list, d.synergy);
      break;
    case "synergy.removed":
      if (syn) syn.list = drop(syn.list, d.id);
      break;
    case "proposal.saved":
      if (!syn) break;
      if (syn.proposals) upsert(syn.proposals, d.proposal);
      if (syn.my_proposals) upsert(syn.my_proposals, d.proposal);
      break;
    case "shared_action.saved":
      if (plan) upsert(plan.actions, d.shared_action);
      break;
    case "shared_action.removed":
      if (plan) plan.actions = drop(plan.actions, d.id);
      break;
    case "measure.saved":
      if (plan) {
        upsert(plan.measures, d.measure);
        plan.measures.sort(byDue);
      }
      break;
    case "measure.removed":
      if (plan) plan.measures = drop(plan.measures, d.id);
      break;
    case "factor.saved":
      if (closing) upsert(closing.factors, d.factor);
      break;
    case "factor.removed":
      if (closing) closing.factors = drop(closing.factors, d.id);
      break;
    case "committee.joined": {
      // names and roles: the contact details a copy holds stay until committee.contact
      if (!closing) break;
      upsert(closing.committee, d.member, "participant_id");
      const mine = closing.my_membership;
      if (mine && mine.participant_id === d.member.participant_id) closing.my_membership = { ...mine, ...d.member };
      break;
    }
    case "committee.contact": {
      // the person's contact details changed: a reference, never the address. A copy
      // older than it waits for readContacts (the staff: the member's; a phone: its own)
      if (!closing) break;
      const me = state.me || {};
      const member = closing.committee.find((m) => m.participant_id === d.participant_id);
      if (me.kind !== "participant") {
        if (member && member.consented_at !== d.consented_at) wantContact(member, d.consented_at);
      } else if (d.participant_id === me.id) {
        const mine = closing.my_membership;
        if (!mine || mine.consented_at !== d.consented_at) {
          closing.my_membership = wantContact({ ...(mine || {}), ...(member || {}), participant_id: d.participant_id },
            d.consented_at);
        }
      }
      break;
    }
    case "committee.left":
      if (!closing) break;
      closing.committee = drop(closing.committee, d.participant_id, "participant_id");
      if (closing.my_membership && closing.my_membership.participant_id === d.participant_id) {
        closing.my_membership = null;
      }
      break;
    case "closing.recorded":
      if (closing && closing.records) upsert(closing.records, d.record);
      break;
  }
}

// --- the committee's contact details -------------------------------------------------------

function wantContact(member, since) {
  delete member.email;
  delete member.consented_at;
  member.contact_wanted = since || "";
  return member;
}

let contactsAsked = null;

/** Read the contact details the state waits for (committee.contact said they changed)
 *  from the server (`committee.contacts`: the staff get every member's, a phone its
 *  own), one request at a time; `drawn` is called once they are in the state. */
export function readContacts(client, drawn) {
  const closing = client.state && client.state.closing;
  if (!closing || contactsAsked) return;
  const waiting = (m) => m && m.contact_wanted !== undefined;
  if (!closing.committee.some(waiting) && !waiting(closing.my_membership)) return;
  const asked = contactsAsked = {};
  client.query("committee.contacts").then((ack) => {
    if (contactsAsked === asked) contactsAsked = null;
    const now = client.state && client.state.closing;
    if (!ack || !ack.ok || !now) return; // asked again at the next drawing
    const found = new Map(ack.contacts.map((c) => [c.participant_id, c]));
    const fill = (m) => {
      const contact = found.get(m.participant_id);
      if (!contact) return false; // left meanwhile (committee.left follows)
      if (contact.consented_at < m.contact_wanted) return true; // read before the change: ask again
      delete m.contact_wanted;
      m.email = contact.email;
      m.consented_at = contact.consented_at;
      return true;
    };
    for (const m of now.committee) if (waiting(m) && !fill(m)) delete m.contact_wanted;
    if (waiting(now.my_membership) && !fill(now.my_membership)) now.my_membership = null;
    drawn();
  });
}

/** Whether the workshop is closed (phones read only, the plan frozen). */
export function isClosed(state) {
  return Boolean(state.workshop && state.workshop.closed_at);
}

/** The participants' proposals still waiting for a facilitator's decision. */
export function pendingProposals(state) {
  const syn = state.synergies;
  return syn && syn.proposals ? syn.proposals.filter((p) => p.status === "pending") : [];
}
