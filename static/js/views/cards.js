// Steps 1 and 2 as every view draws them: a card as the wall shows it, the dots as bars,
// the timer. Text is always set as text; a person's words are isolated for direction.
import { el, userText } from "../core/dom.js";
import { t } from "../core/i18n.js";

/** A card's kind in the page's language. */
export function kindLabel(kind) {
  return t(`kind_${kind}`);
}

/** A card as the wall shows it. `extra` nodes (buttons) go at its end. */
export function cardElement(card, { extra = [], showAuthors = true } = {}) {
  const authors = showAuthors && card.authors && card.authors.length
    ? card.authors.map((a) => a.name).join(", ") : null;
  return el("article", { class: `idea-card kind-${card.kind}${card.hidden ? " hidden-card" : ""}`,
    dataset: { idea: card.id } },
  el("p", { class: "idea-meta" }, el("span", { class: "idea-kind" }, kindLabel(card.kind)),
    card.origin ? el("span", { class: "idea-origin" }, userText(card.origin)) : null),
  el("p", { class: "idea-text", dir: "auto" }, card.text),
  ...(card.merged_texts || []).map((text) => el("p", { class: "idea-text merged", dir: "auto" }, text)),
  authors ? el("p", { class: "idea-authors" }, ...card.authors.flatMap((a, i) =>
    [i ? ", " : "", userText(a.name)])) : null,
  card.hidden ? el("p", { class: "idea-hidden-note" }, t("hidden_card")) : null,
  ...extra);
}

/** The rows of `ranking` as bars, the most dots the longest. */
export function barChart(rows) {
  const max = Math.max(1, ...rows.map((r) => r.dots));
  return rows.map((r) => {
    const bar = el("span", { class: "bar" });
    bar.style.inlineSize = `${Math.round((r.dots / max) * 100)}%`; // CSSOM: allowed by the CSP
    return el("li", { id: `bar-${r.theme.id}`, dataset: { theme: r.theme.id }, class: r.tied ? "tied" : "" },
      el("span", { class: "bar-label" }, userText(r.theme.title), r.tied ? el("span", { class: "tie-mark", title: t("tie") }, " =") : null), bar,
      el("strong", { class: "bar-value" }, r.dots));
  });
}

/** Keep every [data-timer] showing the time left, from the server's clock. */
export function startTimerDisplay(client) {
  const tick = () => {
    const endsAt = client.state && client.state.ideas && client.state.ideas.settings.timer_ends_at;
    for (const node of document.querySelectorAll("[data-timer]")) {
      if (!endsAt) {
        node.hidden = true;
        continue;
      }
      const left = Math.max(0, Math.round((Date.parse(endsAt) - client.serverNow()) / 1000));
      node.hidden = false;
      node.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      node.classList.toggle("ending", left <= 30);
    }
  };
  tick();
  return setInterval(tick, 500);
}
