// The participant's phone: where the room is, the card form, my cards, my dots.
// A card is never lost: the draft is kept in localStorage while typing; once sent, the
// card waits in the live client's outbox (shown under "My cards") and the box is free
// for the next one; a refused card gives its text back.
import { LiveClient } from "../core/live.js";
import { config, showStage } from "../core/page.js";
import { el, setText, showError, showFor, userText } from "../core/dom.js";
import { labelled, t, tn } from "../core/i18n.js";
import { addPage, applySteps12, ranking } from "../steps/ideas-priorities.js";
import { applySteps3, unnamedMembers } from "../steps/groups.js";
import { applySteps4 } from "../steps/shared-plan.js";
import { barChart, cardElement, startTimerDisplay } from "./cards.js";
import * as step3 from "./phone-groups.js";
import * as step4 from "./phone-plan.js";

const $ = (selector) => document.querySelector(selector);
const form = $("[data-post-form]");
const text = form.elements.text;
const draftKey = `facilitator:${config.workshop}:draft`;
let editing = null; // id of my card being edited
let submitting = false; // a send waiting for its first answer
let queuedNow = false; // set while send() says the change waits for the connection
const answering = new Set(); // op_ids of sends about to be answered: not shown as waiting
const WALL_STAGES = ["ideas", "themes"]; // where the page shows the wall
let readingEarlier = false; // an `ideas.page` waiting for its answer
let readFor = null; // the state whose newest cards were read on their own (once each)
let namesAsked = ""; // the unnamed members of my group a fresh snapshot was asked for
// set while this phone asks to be forgotten: the server cuts the phone off as it answers,
// so the ack may never arrive, and the refusal that follows must read "forgotten"
const forgettingKey = `facilitator:${config.workshop}:forgetting`;
let gone = null; // "removed" or "forgotten": the page says so, and nothing else
let client;

function notice(message) {
  const box = $("[data-notice]");
  box.textContent = message || "";
  box.hidden = !message;
  if (message) setTimeout(() => { if (box.textContent === message) box.hidden = true; }, 4000);
}

function myCards(state) {
  return state.ideas.list.filter((card) => card.mine);
}

/** The phone's own reducer: its cards that left the wall without it (hidden by the
 *  facilitator, or merged into another card, of which it is now an author). */
function applyMyCards(state, event) {
  if (event.type !== "idea.set_aside") return;
  const d = event.data;
  const list = (state.ideas.set_aside || []).filter((c) => c.id !== d.id);
  if (d.status) list.push(d);
  state.ideas.set_aside = list;
  const into = d.status === "merged" && state.ideas.list.find((c) => c.id === d.merged_into);
  if (into) into.mine = true;
}

function render(state) {
  if (gone) return;
  const stage = showStage(state).key;
  showFor(stage);
  const locked = state.ideas.settings.input_locked;
  $("[data-locked]").hidden = !locked;
  $("[data-post-button]").disabled = locked || submitting;
  const mine = myCards(state);
  const waiting = waitingCards(state);
  const setAside = state.ideas.set_aside || [];
  const actions = (card) => (stage === "ideas" && !locked && !card.waiting ? [
    el("p", { class: "card-actions" },
      el("button", { type: "button", class: "link", onclick: () => startEdit(card) }, t("edit")),
      el("button", { type: "button", class: "link danger", onclick: () => withdraw(card) },
        t("withdraw")))] : []);
  const edited = new Map(waiting.filter((c) => c.waiting === "edit").map((c) => [c.id, c]));
  const shown = [...mine.map((card) => edited.get(card.id) || card),
    ...waiting.filter((c) => c.waiting === "post")];
  $("[data-my-cards]").replaceChildren(...shown.reverse().map((card) => el("li",
    { class: card.waiting ? "waiting" : null },
    cardElement(card, { showAuthors: false, extra: [
      card.waiting ? el("p", { class: "waiting-note" }, t("will_be_sent")) : null,
      ...actions(card)] }))),
  ...setAside.map((card) => el("li", { class: "set-aside", dataset: { setAside: card.id } },
    el("p", { class: "idea-text", dir: "auto" }, card.text),
    el("p", { class: "set-aside-note" }, t(card.status === "merged" ? "card_merged" : "card_set_aside")))));
  setText("[data-my-count]", String(shown.length + setAside.length));
  // the wall: the others' cards, newest first; the phone holds the newest and reads
  // earlier ones a page at a time (docs/protocol.md), so its count adds those
  const wall = state.ideas.list.filter((card) => !card.mine);
  const earlier = state.ideas.earlier || 0;
  setText("[data-wall-count]", String(wall.length + earlier));
  $("[data-phone-wall]").replaceChildren(...wall.slice().reverse().map((card) => cardElement(card)));
  const more = $("[data-wall-earlier-count]");
  more.hidden = !earlier;
  more.textContent = earlier ? tn("n_more", earlier) : "";
  const button = $("[data-wall-earlier]");
  button.hidden = !earlier;
  button.disabled = readingEarlier;
  // back at a stage that shows the wall, with none of it held: its newest cards
  if (WALL_STAGES.includes(stage) && !wall.length && earlier && readFor !== state) {
    readFor = state;
    readEarlier();
  }
  renderVote(state);
  renderMe(state);
  step3.render(state);
  step4.render(state);
}

/** The wall's next page of earlier cards (`ideas.page`), added where they belong. */
async function readEarlier() {
  const state = client.state;
  const before = state.ideas.before;
  readingEarlier = true;
  $("[data-wall-earlier]").disabled = true;
  const ack = await client.query("ideas.page", { before });
  readingEarlier = false;
  // a snapshot that came meanwhile holds its own page: this answer belongs to the old one
  if (ack.ok && client.state === state && state.ideas.before === before) addPage(state, ack);
  else if (!ack.ok) showError(ack.error);
  render(client.state);
}

$("[data-wall-earlier]").addEventListener("click", () => {
  if (!readingEarlier && client.state) readEarlier();
});

/** People moved into my group by the facilitators come as ids: a fresh snapshot names
 *  them (once for the same people). */
function nameNewMembers(state) {
  const unnamed = unnamedMembers(state).join(",");
  if (!unnamed || unnamed === namesAsked) return;
  namesAsked = unnamed;
  setTimeout(() => client.sync(0), 0);
}

// --- who I am, and my rights over my data (docs/privacy.md) -------------------------------

function renderMe(state) {
  const me = state.me || {};
  if (me.name) setText("[data-me-name]", me.name);
  setText("[data-me-organisation]", me.organisation ? ` · ${me.organisation}` : "");
  const closed = Boolean(state.workshop.closed_at);
  $("[data-forget-open]").hidden = closed;
  $("[data-forget-closed]").hidden = !closed;
  if (closed) $("[data-forget-ask]").hidden = true;
}

function remembered(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

/** Removed by the facilitators, or forgotten: the phone says so and keeps nothing of the
 *  person (its waiting changes, its draft). Its cookie no longer speaks for anyone. */
function showGone(how) {
  if (gone) return;
  gone = remembered(forgettingKey) ? "forgotten" : how;
  try {
    for (const key of [forgettingKey, draftKey, client.outboxKey]) localStorage.removeItem(key);
  } catch { /* private mode: nothing was kept */ }
  client.refused = true;
  client.socket.disconnect();
  const box = $("[data-gone]");
  for (const node of box.parentElement.children) if (node !== box) node.hidden = true;
  for (const node of box.querySelectorAll("[data-gone-as]")) node.hidden = node.dataset.goneAs !== gone;
  box.hidden = false;
  box.focus?.();
}

$("[data-forget]").addEventListener("click", () => {
  $("[data-forget-ask]").hidden = false;
  $("[data-forget-yes]").focus();
});
$("[data-forget-no]").addEventListener("click", () => {
  $("[data-forget-ask]").hidden = true;
  $("[data-forget]").focus();
});
$("[data-forget-yes]").addEventListener("click", async (event) => {
  event.target.disabled = true;
  showError(null);
  try { localStorage.setItem(forgettingKey, "1"); } catch { /* the ack will say */ }
  const ack = await client.send("participant.forget", {});
  event.target.disabled = false;
  if (ack.ok) showGone("forgotten");
  else if (!ack.pending) { // refused (a closed workshop): nothing was deleted
    try { localStorage.removeItem(forgettingKey); } catch { /* private mode */ }
    $("[data-forget-ask]").hidden = true;
    showError(ack.error);
  }
});

/** My changes still in the outbox, as cards: posts not yet on the wall ({waiting:
 *  "post"}) and edits not yet applied ({waiting: "edit", id}). */
function waitingCards(state) {
  const cards = [];
  for (const item of client ? client.outbox() : []) {
    const p = item.payload;
    if (answering.has(p.op_id)) continue;
    if (item.name === "idea.post") {
      cards.push({ id: `waiting-${p.op_id}`, text: p.text, kind: p.kind, origin: p.origin,
        waiting: "post" });
    } else if (item.name === "idea.edit") {
      const card = state.ideas.list.find((c) => c.id === p.idea_id);
      if (card) cards.push({ ...card, text: p.text, kind: p.kind, origin: p.origin, waiting: "edit" });
    }
  }
  return cards;
}

function renderVote(state) {
  const pr = state.priorities;
  const mine = pr.mine || { dots_left: 0, dots: [] };
  const onTheme = new Map(mine.dots.map((d) => [d.theme_id, d.count]));
  setText("[data-dots-left]", tn("dots_left", mine.dots_left));
  // open; revealed (and so closed); closed after people voted; not opened yet
  setText("[data-voting-state]", pr.voting.open ? "" : pr.voting.revealed ? t("revealed_closed")
    : pr.voting.voters ? t("voting_closed") : t("voting_not_open"));
  $("[data-vote-list]").replaceChildren(...pr.themes.map((theme) => {
    const n = onTheme.get(theme.id) || 0;
    return el("li", { dataset: { theme: theme.id }, class: n ? "voted" : "" },
      el("span", { class: "vote-title" }, userText(theme.title)),
      el("span", { class: "my-dots", role: "img", "aria-label": labelled(t("my_dots"), n) }, "●".repeat(n)),
      el("button", { type: "button", class: "secondary round", disabled: !n || !pr.voting.open,
        "aria-label": labelled(t("remove_dot"), theme.title), onclick: () => dot("dot.remove", theme.id) }, "−"),
      el("button", { type: "button", class: "round", disabled: !pr.voting.open || mine.dots_left <= 0,
        "aria-label": labelled(t("add_dot"), theme.title), onclick: () => dot("dot.place", theme.id) }, "+"));
  }));
  const rows = ranking(state);
  $("[data-results-hidden]").hidden = Boolean(rows);
  $("[data-results]").replaceChildren(...(rows ? barChart(rows) : []));
  const confirmed = pr.confirmed && pr.confirmed.length;
  setText("[data-priorities-heading]", confirmed ? t("our_priorities") : t("themes"));
  $("[data-priorities]").replaceChildren(...(confirmed ? pr.confirmed : pr.themes).map((theme) =>
    // title and description are two paragraphs, each in its own direction: an Arabic
    // title beside a French description must not run together
    el("li", {}, el("strong", { class: "priority-title", dir: "auto" }, theme.title),
      theme.description ? el("span", { class: "hint priority-description", dir: "auto" }, theme.description) : null)));
}

async function dot(name, themeId) {
  // the phone's dots change only with the `dots.mine` events, applied in seq order: two
  // quick taps may be acknowledged out of order, their events never are
  showError(null);
  const ack = await client.send(name, { theme_id: themeId });
  if (!ack.ok) showError(ack.error);
}

function startEdit(card) {
  editing = card.id;
  text.value = card.text;
  form.elements.origin.value = card.origin || "";
  form.querySelector(`input[name=kind][value=${card.kind}]`).checked = true;
  setText("[data-post-heading]", t("edit_card"));
  $("[data-cancel-edit]").hidden = false;
  updateCount();
  text.focus();
}

function stopEdit() {
  editing = null;
  setText("[data-post-heading]", t("your_card"));
  $("[data-cancel-edit]").hidden = true;
}

async function withdraw(card) {
  if (!window.confirm(t("confirm_withdraw"))) return;
  const ack = await client.send("idea.withdraw", { idea_id: card.id });
  if (!ack.ok) showError(ack.error);
}

function updateCount() {
  setText("[data-count]", String(text.value.length));
  try { localStorage.setItem(draftKey, text.value); } catch { /* private mode */ }
}

function giveBack(payload) {
  // a refused card: its text comes back to the form, never silently dropped
  if (payload && payload.text && !text.value.trim()) {
    text.value = payload.text;
    updateCount();
  }
}

/** The form is done with a text once the server has it, or once it waits safely in the
 *  outbox: empty the box (and the draft) unless the person has started another text. */
function releaseForm(sent) {
  if (text.value === sent.text) {
    text.value = "";
    form.elements.origin.value = "";
    updateCount();
  }
  if (editing && sent.idea_id === editing) stopEdit();
}

function markMine(idea) {
  const state = client.state;
  if (!state || !idea) return;
  // events carry the card; the ack only says it is mine (never older text over newer)
  const known = state.ideas.list.find((c) => c.id === idea.id);
  if (known) known.mine = true; else state.ideas.list.push({ ...idea, mine: true });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError(null);
  const payload = { text: text.value, kind: form.elements.kind.value, origin: form.elements.origin.value };
  if (!payload.text.trim()) {
    showError({ message: t("empty_card") });
    return;
  }
  const name = editing ? "idea.edit" : "idea.post";
  const sent = editing ? { ...payload, idea_id: editing } : payload;
  const button = $("[data-post-button]");
  submitting = true;
  button.disabled = true;
  button.textContent = t("sending");
  queuedNow = false;
  const answer = client.send(name, sent);
  const queued = queuedNow; // offline: kept in the outbox, sent when the connection is back
  const item = client.outbox().at(-1);
  const opId = item && item.payload.text === sent.text ? item.payload.op_id : null;
  if (opId && !queued) answering.add(opId);
  if (queued) {
    settleButton();
    releaseForm(sent);
    notice(t("will_be_sent"));
    if (client.state) render(client.state);
  }
  const ack = await answer;
  answering.delete(opId);
  if (!queued) settleButton();
  if (ack.ok) {
    markMine(ack.idea);
    releaseForm(sent);
    notice(t("card_sent"));
  } else if (ack.pending) {
    // no answer yet: it stays in the outbox and is resent; its ack comes to onLateAck
    releaseForm(sent);
    notice(ack.error.message);
  } else {
    showError(ack.error);
    giveBack(sent);
  }
  if (client.state) render(client.state);
});

function settleButton() {
  submitting = false;
  const button = $("[data-post-button]");
  button.textContent = t("send");
  button.disabled = Boolean(client.state && client.state.ideas.settings.input_locked);
}

/** A change sent before a reload, or answered after its timeout, is answered here. */
function lateAck(item, ack) {
  if (!ack.ok || !["idea.post", "idea.edit"].includes(item.name)) return;
  markMine(ack.idea);
  releaseForm(item.payload);
  notice(t("card_sent"));
  if (client.state) render(client.state);
}

text.addEventListener("input", updateCount);
$("[data-cancel-edit]").addEventListener("click", () => { stopEdit(); text.value = ""; updateCount(); });
try { text.value = localStorage.getItem(draftKey) || ""; } catch { /* private mode */ }
updateCount();

// The connection at the top of the page. A short blip says nothing: "reconnecting" or
// "offline" shows only after GRACE_MS without the server, and so does a change waiting
// to be sent while connected (a card normally takes a moment to be acknowledged).
const GRACE_MS = 3000;
const TROUBLE = new Set(["reconnecting", "offline", "queued"]);
const connection = { raw: "connecting", calm: "connecting", troubleSince: 0, pending: 0, pendingSince: 0 };
let connectionTimer = null;

function connectionChanged(status) {
  if (!TROUBLE.has(status) && status !== "connecting" && status !== "online" && status !== "refused") return;
  if (TROUBLE.has(status) && !TROUBLE.has(connection.raw)) connection.troubleSince = Date.now();
  connection.raw = status;
  if (status === "online" || status === "connecting") connection.calm = status;
  paintConnection();
}

function pendingChanged(count) {
  if (count > 0 && !connection.pending) connection.pendingSince = Date.now();
  connection.pending = count;
  paintConnection();
}

function paintConnection() {
  clearTimeout(connectionTimer);
  const now = Date.now();
  let recheck = Infinity;
  let shown = connection.raw === "queued" ? "offline" : connection.raw;
  if (TROUBLE.has(connection.raw)) {
    const left = connection.troubleSince + GRACE_MS - now;
    if (left > 0) {
      shown = connection.calm;
      recheck = left;
    }
  }
  let pending = 0;
  if (connection.pending > 0 && shown !== "refused") {
    const left = connection.pendingSince + GRACE_MS - now;
    if (shown !== "online" && shown !== "connecting") pending = connection.pending;
    else if (left <= 0) pending = connection.pending;
    else recheck = Math.min(recheck, left);
  }
  if (recheck !== Infinity) connectionTimer = setTimeout(paintConnection, recheck + 50);
  const bar = $("[data-connection]");
  bar.dataset.status = shown;
  bar.dataset.pending = String(pending);
  setText("[data-connection-text]", {
    connecting: t("connecting"),
    online: t("connected"),
    reconnecting: t("reconnecting"),
    offline: t("offline"),
    refused: t("signed_out"),
  }[shown]);
  const waiting = $("[data-pending-count]");
  waiting.hidden = !pending;
  waiting.textContent = pending ? tn("changes_waiting", pending) : "";
}

client = new LiveClient({
  reducers: [applySteps12, applyMyCards, applySteps3, applySteps4],
  onState: render,
  onEvent: (event, state) => {
    if (event.type === "participant.removed" && state.me && event.data.participant_id === state.me.id) {
      showGone("removed");
      return;
    }
    step3.onEvent(event);
    if (event.type === "participants.grouped" || event.type === "participant.joined") nameNewMembers(state);
    if (event.type === "dots.mine" && event.data.returned) notice(t("dot_returned"));
  },
  onStatus: (status, error, item) => {
    if (status === "queued") queuedNow = true;
    connectionChanged(status);
    if (status === "rejected") {
      if (item && item.name === "participant.forget") {
        try { localStorage.removeItem(forgettingKey); } catch { /* private mode */ }
      }
      showError(error);
      giveBack(item && item.payload);
      if (client.state) render(client.state);
    }
    if (status === "offline" && error && error.code === "not_joined") window.location.reload();
    // this phone's participant is gone (removed, or forgotten at their request)
    if (status === "refused" && error && ["not_joined", "signed_out"].includes(error.code)) showGone("removed");
  },
  onPending: (count) => {
    pendingChanged(count);
    // the waiting cards under "My cards", once the sender has said which send it awaits
    queueMicrotask(() => { if (client && client.state) render(client.state); });
  },
  onLateAck: lateAck,
});
window.facilitatorClient = client;
step3.setup(client);
step4.setup(client);
// a draft that is already waiting in the outbox (sent before a reload) is not a new text
if (text.value && client.outbox().some((i) => i.name === "idea.post" && i.payload.text === text.value)) {
  text.value = "";
  updateCount();
}
startTimerDisplay(client);
