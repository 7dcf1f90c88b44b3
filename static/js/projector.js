// The projector: no controls, big type; the join code and QR code while joining is open
// (large while people arrive, in a corner afterwards); the card wall, the themes, the
// results once revealed and the confirmed priorities.
import { LiveClient, config, el, setText, showConnection, showStage, t } from "./live.js";
import { applySteps12, barChart, cardElement, ranking, showFor, startTimerDisplay } from "./steps12.js";
import { tn } from "./i18n.js";

const $ = (selector) => document.querySelector(selector);
const ARRIVALS_SHOWN = 8;

function bar(fraction) {
  const node = el("span", { class: "bar" });
  node.style.inlineSize = `${Math.round(fraction * 100)}%`; // CSSOM: allowed by the CSP
  return node;
}

function renderRoom(state) {
  const { list, by_profile: byProfile } = state.participants;
  setText("[data-participant-count]", String(list.length));
  const max = Math.max(1, ...Object.values(byProfile));
  $("[data-profile-counts]").replaceChildren(...Object.entries(byProfile)
    .sort((a, b) => b[1] - a[1])
    .map(([profile, n]) => el("li", {},
      el("span", { class: "bar-label" }, profile), bar(n / max), el("strong", {}, n))));
  $("[data-arrivals]").replaceChildren(...list.slice(-ARRIVALS_SHOWN).reverse().map((p) =>
    el("li", {}, el("strong", {}, p.name), p.organisation ? ` · ${p.organisation}` : "")));
}

// The wall stays readable from the back of the room: the type shrinks in steps as cards
// arrive, the newest come first, and cards that would fall below the screen are not
// drawn (a projector cannot scroll); the count says how many are shown, the console has
// them all.
const WALL_MAX = 150;
function density(n) {
  return n > 40 ? "3" : n > 16 ? "2" : "1";
}

function fitWall(wall, total) {
  const bottom = window.innerHeight - 16;
  wall.style.blockSize = `${Math.max(200, bottom - wall.getBoundingClientRect().top)}px`;
  let shown = 0;
  for (const card of wall.children) {
    const fits = card.getBoundingClientRect().bottom <= bottom;
    card.hidden = !fits;
    if (fits) shown += 1;
  }
  setText("[data-wall-more]", shown < total ? `· ${tn("newest_shown", shown)}` : "");
}

function renderWall(state) {
  const cards = state.ideas.list;
  setText("[data-card-count]", String(cards.length));
  const wall = $("[data-wall]");
  wall.dataset.density = density(cards.length);
  wall.replaceChildren(...cards.slice(-WALL_MAX).reverse().map((card) => cardElement(card)));
  if (!wall.closest("[hidden]")) fitWall(wall, cards.length);
}

function renderBoard(state) {
  const { themes } = state.priorities;
  const column = (title, cards, cls = "") => el("section", { class: `board-column ${cls}` },
    el("h2", {}, title, " ", el("span", { class: "count" }, cards.length)),
    ...cards.map((card) => cardElement(card, { showAuthors: false })));
  $("[data-board]").replaceChildren(
    ...themes.map((theme) => column(theme.title,
      state.ideas.list.filter((c) => c.theme_id === theme.id))),
    column(t("loose_cards"), state.ideas.list.filter((c) => !c.theme_id), "loose"));
}

function renderResults(state) {
  const rows = ranking(state);
  const confirmed = state.priorities.confirmed || [];
  $("[data-results-hidden]").hidden = Boolean(rows) || confirmed.length > 0;
  $("[data-results]").replaceChildren(...(rows && !confirmed.length ? barChart(rows) : []));
  $("[data-confirmed]").replaceChildren(...confirmed.map((p) => el("li", {},
    el("strong", {}, p.title), p.description ? el("span", {}, p.description) : null)));
}

function render(state, event) {
  const stage = showStage(state).key;
  showFor(stage);
  const j = state.joining;
  const panel = $("[data-join-panel]");
  panel.hidden = !j.joining_open;
  panel.classList.toggle("compact", stage !== "welcome");
  $("[data-layout]").classList.toggle("with-corner", j.joining_open && stage !== "welcome");
  setText("[data-join-code]", j.join_code);
  setText("[data-join-url]", j.join_url);
  if (event && event.type === "joining.updated") {
    $("[data-qr]").src = `/workshops/${config.workshop}/qr.svg?code=${encodeURIComponent(j.join_code)}`;
  }
  renderRoom(state);
  renderWall(state);
  renderBoard(state);
  renderResults(state);
}

window.addEventListener("resize", () => client.state && renderWall(client.state));
const client = new LiveClient({ reducers: [applySteps12], onState: render, onStatus: showConnection });
startTimerDisplay(client);
