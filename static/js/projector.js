// The projector: no controls, big type, the join code and QR code while joining is open.
import { LiveClient, config, el, setText, showConnection, showStage } from "./live.js";

const $ = (selector) => document.querySelector(selector);
const ARRIVALS_SHOWN = 8;

function bar(fraction) {
  const node = el("span", { class: "bar" });
  node.style.inlineSize = `${Math.round(fraction * 100)}%`; // CSSOM: allowed by the CSP
  return node;
}

function render(state, event) {
  showStage(state);
  const j = state.joining;
  $("[data-join-panel]").hidden = !j.joining_open;
  setText("[data-join-code]", j.join_code);
  setText("[data-join-url]", j.join_url);
  if (event && event.type === "joining.updated") {
    $("[data-qr]").src = `/workshops/${config.workshop}/qr.svg?code=${encodeURIComponent(j.join_code)}`;
  }
  const { list, by_profile: byProfile } = state.participants;
  setText("[data-participant-count]", String(list.length));
  const max = Math.max(1, ...Object.values(byProfile));
  $("[data-profile-counts]").replaceChildren(...Object.entries(byProfile)
    .sort((a, b) => b[1] - a[1])
    .map(([profile, n]) => el("li", {},
      el("span", { class: "bar-label" }, profile),
      bar(n / max),
      el("strong", {}, n))));
  $("[data-arrivals]").replaceChildren(...list.slice(-ARRIVALS_SHOWN).reverse().map((p) =>
    el("li", {}, el("strong", {}, p.name), p.organisation ? ` · ${p.organisation}` : "")));
}

new LiveClient({ onState: render, onStatus: showConnection });
