// The projector: no controls, big type; the join code and QR code while joining is open
// (large while people arrive, in a corner afterwards); the card wall, the themes, the
// results once revealed and the confirmed priorities. A projector cannot scroll: every
// list is fitted to the screen, what does not fit is not drawn and a line says how many
// more there are (the console has them all).
import { LiveClient } from "../core/live.js";
import { config, showConnection, showStage } from "../core/page.js";
import { el, fit, morph, setText, showFor, userText } from "../core/dom.js";
import { t, tn } from "../core/i18n.js";
import { applySteps12, ranking } from "../steps/ideas-priorities.js";
import { applySteps3 } from "../steps/groups.js";
import { applySteps4 } from "../steps/shared-plan.js";
import { barChart, cardElement, startTimerDisplay } from "./cards.js";
import * as step3 from "./projector-groups.js";
import * as step4 from "./projector-plan.js";

const $ = (selector) => document.querySelector(selector);
const ARRIVALS_DRAWN = 40;
const WALL_MAX = 150;
let client;

function bar(fraction) {
  const node = el("span", { class: "bar" });
  node.style.inlineSize = `${Math.round(fraction * 100)}%`; // CSSOM: allowed by the CSP
  return node;
}

function more(node, hiddenCount) {
  if (node) node.textContent = hiddenCount > 0 ? tn("n_more", hiddenCount) : "";
}

/** "12 participants" in the page's language (Arabic has six plural forms), the number
 *  drawn large where the sentence has one. */
function renderCount(n) {
  const text = tn("n_participants", n);
  const at = text.indexOf(String(n));
  morph($("[data-participant-count]"), at < 0 ? [el("span", { class: "count-label" }, text)] : [
    at > 0 ? el("span", { class: "count-label" }, text.slice(0, at)) : null,
    el("span", { class: "count-number" }, String(n)),
    el("span", { class: "count-label" }, text.slice(at + String(n).length))].filter(Boolean));
}

function renderRoom(state) {
  const { list, by_profile: byProfile } = state.participants;
  renderCount(list.length);
  const max = Math.max(1, ...Object.values(byProfile));
  morph($("[data-profile-counts]"), Object.entries(byProfile)
    .sort((a, b) => b[1] - a[1])
    .map(([profile, n]) => el("li", { id: `profile-${profile}` },
      el("span", { class: "bar-label" }, userText(profile)), bar(n / max), el("strong", {}, n))));
  const arrivals = $("[data-arrivals]");
  morph(arrivals, list.slice(-ARRIVALS_DRAWN).reverse().map((p) =>
    el("li", { id: `arrival-${p.id}` }, el("strong", {}, userText(p.name)),
      p.organisation ? [" · ", userText(p.organisation)] : "")));
  more($("[data-more=arrivals]"), list.length - fit(arrivals));
}

// The wall stays readable from the back of the room: the type shrinks in steps as cards
// arrive, the newest come first, and the cards that do not fit are not drawn.
function density(n) {
  return n > 40 ? "3" : n > 16 ? "2" : "1";
}

function renderWall(state) {
  const cards = state.ideas.list;
  const wall = $("[data-wall]");
  wall.dataset.density = density(cards.length);
  morph(wall, cards.slice(-WALL_MAX).reverse().map((card) => cardElement(card)));
  setText("[data-card-count]", tn("n_cards", cards.length)); // before the fit: it takes a line
  const shown = fit(wall);
  setText("[data-wall-more]", shown < cards.length ? `· ${tn("newest_shown", shown)}` : "");
}

function renderBoard(state) {
  const { themes } = state.priorities;
  const board = $("[data-board]");
  const column = (key, title, cards, cls = "") => el("section", { class: `board-column ${cls}`, id: `column-${key}` },
    el("h2", {}, userText(title), " ", el("span", { class: "count" }, cards.length)),
    el("div", { class: "column-cards" }, ...cards.map((card) => cardElement(card, { showAuthors: false }))),
    el("p", { class: "more" }));
  const loose = state.ideas.list.filter((c) => !c.theme_id);
  const columns = [...themes.map((theme) => column(theme.id, theme.title,
    state.ideas.list.filter((c) => c.theme_id === theme.id))),
  ...(loose.length || !themes.length ? [column("loose", t("loose_cards"), loose, "loose")] : [])];
  board.dataset.columns = columns.length > 5 ? "wide" : "";
  board.style.gridTemplateColumns = `repeat(${Math.max(1, columns.length)}, minmax(0, 1fr))`; // CSSOM
  morph(board, columns);
  if (board.closest("[hidden]")) return;
  for (const col of board.querySelectorAll(".board-column")) {
    const cards = col.querySelector(".column-cards");
    const moreLine = col.querySelector(".more");
    moreLine.textContent = "";
    // the column's cards share its height with the "more" line
    cards.style.maxBlockSize = `${col.getBoundingClientRect().bottom - cards.getBoundingClientRect().top - moreLine.getBoundingClientRect().height - 4}px`;
    cards.style.overflow = "hidden";
    more(moreLine, cards.children.length - fit(cards));
  }
}

function renderResults(state) {
  const rows = ranking(state);
  const confirmed = state.priorities.confirmed || [];
  const underWay = !rows && !confirmed.length; // the dots are not shown yet
  $("[data-results-hidden]").hidden = !underWay;
  // while the room votes: the themes to vote on and how many have voted, never the dots
  const voters = state.priorities.voting.voters || 0;
  setText("[data-turnout]", underWay ? tn("voted_of", voters, { total: state.participants.list.length }) : "");
  const themes = $("[data-vote-themes]");
  morph(themes, underWay ? state.priorities.themes.map((theme) =>
    el("li", { id: `vote-theme-${theme.id}` }, userText(theme.title))) : []);
  more($("[data-more=vote-themes]"), underWay ? themes.children.length - fit(themes) : 0);
  const list = $("[data-results]");
  const shownRows = rows && !confirmed.length ? rows : [];
  morph(list, barChart(shownRows));
  $("[data-tie-legend]").hidden = !shownRows.some((r) => r.tied);
  more($("[data-more=results]"), shownRows.length - fit(list));
  morph($("[data-confirmed]"), confirmed.map((p) => el("li", { id: `priority-${p.id}` },
    el("strong", { dir: "auto" }, p.title), p.description ? el("span", { dir: "auto" }, p.description) : null)));
}

function render(state, event) {
  const stage = showStage(state).key;
  showFor(stage);
  const j = state.joining;
  // nobody joins a closed workshop: its code leaves the screen
  const joinable = j.joining_open && !state.workshop.closed_at;
  const panel = $("[data-join-panel]");
  panel.hidden = !joinable;
  panel.classList.toggle("compact", stage !== "welcome");
  $("[data-layout]").classList.toggle("with-corner", joinable && stage !== "welcome");
  setText("[data-join-code]", j.join_code);
  setText("[data-join-url]", j.join_url);
  if (event && event.type === "joining.updated") {
    $("[data-qr]").src = `/workshops/${config.workshop}/qr.svg?code=${encodeURIComponent(j.join_code)}`;
  }
  renderRoom(state);
  renderWall(state);
  renderBoard(state);
  renderResults(state);
  step3.render(state);
  step4.render(state, event);
}

let resizing = null;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => client.state && render(client.state), 100);
});
// the lists were fitted with the fonts at hand: fit them again whenever the app's own
// fonts arrive (a face is fetched when text first needs it, after the first fit)
document.fonts.addEventListener("loadingdone", () => client.state && render(client.state));
step4.setup();
client = new LiveClient({ reducers: [applySteps12, applySteps3, applySteps4], onState: render, onStatus: showConnection });
startTimerDisplay(client);
