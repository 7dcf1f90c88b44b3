// The participant's phone: where the room is, the card form, my cards, my dots.
// A card is never lost: the draft is kept in localStorage while typing, the form keeps
// it until the server acknowledges it, and a refused card gives its text back.
import { LiveClient, config, el, setText, showConnection, showError, showStage, t } from "./live.js";
import { applySteps12, barChart, cardElement, ranking, showFor, startTimerDisplay } from "./steps12.js";
import { tn } from "./i18n.js";

const $ = (selector) => document.querySelector(selector);
const form = $("[data-post-form]");
const text = form.elements.text;
const draftKey = `facilitator:${config.workshop}:draft`;
let editing = null; // id of my card being edited
const PHONE_WALL_MAX = 60; // the newest others' cards; a phone is small and on bad Wi-Fi
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

function render(state) {
  const stage = showStage(state).key;
  showFor(stage);
  const locked = state.ideas.settings.input_locked;
  $("[data-locked]").hidden = !locked;
  $("[data-post-button]").disabled = locked;
  const mine = myCards(state);
  setText("[data-my-count]", String(mine.length));
  $("[data-my-cards]").replaceChildren(...mine.slice().reverse().map((card) => el("li", {},
    cardElement(card, { showAuthors: false, extra: stage === "ideas" && !locked ? [
      el("p", { class: "card-actions" },
        el("button", { type: "button", class: "link", onclick: () => startEdit(card) }, t("edit")),
        el("button", { type: "button", class: "link danger", onclick: () => withdraw(card) },
          t("withdraw")))] : [] }))));
  const wall = state.ideas.list.filter((card) => !card.mine);
  setText("[data-wall-count]", String(state.ideas.list.length));
  $("[data-phone-wall]").replaceChildren(...wall.slice(-PHONE_WALL_MAX).reverse().map((card) =>
    cardElement(card)));
  renderVote(state);
}

function renderVote(state) {
  const pr = state.priorities;
  const mine = pr.mine || { dots_left: 0, dots: [] };
  const onTheme = new Map(mine.dots.map((d) => [d.theme_id, d.count]));
  setText("[data-dots-left]", tn("dots_left", mine.dots_left));
  setText("[data-voting-state]", pr.voting.open ? "" : t("voting_not_open"));
  $("[data-vote-list]").replaceChildren(...pr.themes.map((theme) => {
    const n = onTheme.get(theme.id) || 0;
    return el("li", { dataset: { theme: theme.id }, class: n ? "voted" : "" },
      el("span", { class: "vote-title" }, theme.title),
      el("span", { class: "my-dots", "aria-label": t("my_dots") }, "●".repeat(n)),
      el("button", { type: "button", class: "secondary round", disabled: !n || !pr.voting.open,
        "aria-label": `${t("remove_dot")}: ${theme.title}`, onclick: () => dot("dot.remove", theme.id) }, "−"),
      el("button", { type: "button", class: "round", disabled: !pr.voting.open || mine.dots_left <= 0,
        "aria-label": `${t("add_dot")}: ${theme.title}`, onclick: () => dot("dot.place", theme.id) }, "+"));
  }));
  const rows = ranking(state);
  $("[data-results-hidden]").hidden = Boolean(rows);
  $("[data-results]").replaceChildren(...(rows ? barChart(rows) : []));
  const confirmed = pr.confirmed && pr.confirmed.length;
  setText("[data-priorities-heading]", confirmed ? t("our_priorities") : t("themes"));
  $("[data-priorities]").replaceChildren(...(confirmed ? pr.confirmed : pr.themes).map((theme) =>
    el("li", {}, el("strong", {}, theme.title), theme.description ? el("span", { class: "hint" }, ` ${theme.description}`) : null)));
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
  try { localStorage.setItem(draftKey, text.value); } catch (e) { /* private mode */ }
}

function giveBack(payload) {
  // a refused card: its text comes back to the form, never silently dropped
  if (payload && payload.text && !text.value.trim()) {
    text.value = payload.text;
    updateCount();
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  showError(null);
  const payload = { text: text.value, kind: form.elements.kind.value, origin: form.elements.origin.value };
  if (!payload.text.trim()) {
    showError({ message: t("empty_card") });
    return;
  }
  const button = $("[data-post-button]");
  button.disabled = true;
  button.textContent = t("sending");
  const ack = editing
    ? await client.send("idea.edit", { ...payload, idea_id: editing })
    : await client.send("idea.post", payload);
  button.disabled = false;
  button.textContent = t("send");
  if (ack.ok) {
    // events carry the card; the ack only says it is mine (never older text over newer)
    const state = client.state;
    const known = state.ideas.list.find((c) => c.id === ack.idea.id);
    if (known) known.mine = true; else state.ideas.list.push({ ...ack.idea, mine: true });
    text.value = "";
    form.elements.origin.value = "";
    updateCount();
    stopEdit();
    notice(t("card_sent"));
    render(state);
  } else {
    showError(ack.error);
  }
});
text.addEventListener("input", updateCount);
$("[data-cancel-edit]").addEventListener("click", () => { stopEdit(); text.value = ""; updateCount(); });
try { text.value = localStorage.getItem(draftKey) || ""; } catch (e) { /* private mode */ }
updateCount();

client = new LiveClient({
  reducers: [applySteps12],
  onState: render,
  onEvent: (event) => {
    if (event.type === "dots.mine" && event.data.returned) notice(t("dot_returned"));
  },
  onStatus: (status, error, item) => {
    showConnection(status);
    if (status === "rejected") {
      showError(error);
      giveBack(item && item.payload);
    }
    if (status === "offline" && error && error.code === "not_joined") window.location.reload();
  },
});
window.facilitatorClient = client;
startTimerDisplay(client);
