// Step 4 and the closing on the projector. Synergies: the map, large, and the accepted
// synergies' titles. The shared plan: the shared actions (title, lead, deadline, the
// priorities they serve) and the success factors with their endorsements. The closing:
// the factors, the immediate measures (owner, due date) and the steering committee's
// names and roles (the projector never receives an email); once the workshop is closed,
// a line says so. Nothing runs off the screen: every list is fitted to its space and a
// line says how many more there are (docs/projector.md).
import { el, fit, morph, userText } from "../core/dom.js";
import { t, tn } from "../core/i18n.js";
import { acceptedSynergies, formatDate, groupNumber, servedRanks, sortedFactors } from "./plan-pieces.js";
import { SynergyMap } from "./synergy-map.js";

const $ = (selector) => document.querySelector(selector);
const STAGES = ["synergies", "shared_plan", "closing"];
const DRAWN = 60; // items drawn per list before fitting
let map = null;

function more(key, count) {
  const line = $(`[data-p4-more="${key}"]`);
  if (line) line.textContent = count > 0 ? tn("n_more", count) : "";
}

/** Draw `items` into `list`, fit them to its height, say how many did not fit. */
function fitted(list, key, items, total = items.length) {
  morph(list, items.slice(0, DRAWN));
  more(key, 0);
  if (list.closest("[hidden]")) return;
  const shown = fit(list);
  more(key, total - shown);
}

function groupsLine(state, groupIds) {
  return el("span", { class: "p4-groups" }, ...(groupIds || []).map((id) =>
    el("span", { class: "p4-group" }, String(groupNumber(state, id)))));
}

/** The map as large as the screen allows at its 16:9: the titles' column takes the rest
 *  (at least 30% of the width). Set through the CSSOM, which the CSP allows. */
function sizeMap() {
  const area = $("[data-p4-part=synergies]");
  if (area.closest("[hidden]")) return;
  const box = area.getBoundingClientRect();
  const gap = parseFloat(getComputedStyle(area).columnGap) || 0;
  const width = Math.max(0, Math.min(box.width * 0.7 - gap, box.height * (16 / 9)));
  area.style.gridTemplateColumns = `${Math.floor(width)}px minmax(0, 1fr)`;
}

function renderSynergies(state, event) {
  sizeMap();
  const accepted = acceptedSynergies(state);
  $("[data-p4-synergy-count]").textContent = accepted.length ? String(accepted.length) : "";
  $("[data-p4-synergies]").dataset.density = accepted.length > 6 ? "2" : "1"; // smaller type past six
  fitted($("[data-p4-synergies]"), "synergies", accepted.length ? accepted.slice().reverse().map((s) =>
    el("li", { id: `p4-synergy-${s.id}`, class: "p4-synergy" },
      el("span", { class: "p4-synergy-title", dir: "auto" }, s.title), groupsLine(state, s.group_ids)))
    : [el("li", { class: "p4-empty", id: "p4-synergies-none" }, t("c4_no_synergies_yet"))], accepted.length || 1);
  if (map) map.update(event);
}

function factorItems(state, prefix) {
  const factors = sortedFactors(state);
  return factors.map((f) => el("li", { id: `${prefix}-${f.id}`, class: "p4-factor" },
    el("span", { class: "p4-factor-text", dir: "auto" }, f.text),
    el("span", { class: "p4-endorsements", "aria-label": tn("c4_n_endorsements", (f.endorsements || []).length) },
      String((f.endorsements || []).length))));
}

function renderPlan(state) {
  const actions = state.shared_plan.actions;
  $("[data-p4-action-count]").textContent = actions.length ? String(actions.length) : "";
  // a few shared actions in one column, large; more in two, then three columns, smaller
  $("[data-p4-actions]").dataset.density = actions.length <= 3 ? "1" : actions.length <= 8 ? "2" : "3";
  fitted($("[data-p4-actions]"), "actions", actions.length ? actions.map((a) => {
    const served = servedRanks(state, a.theme_ids);
    return el("li", { id: `p4-action-${a.id}`, class: "p4-action" },
      el("p", { class: "p4-action-title", dir: "auto" }, a.title),
      el("p", { class: "p4-action-detail" },
        a.lead ? el("span", { class: "p4-lead" }, el("span", { class: "p4-label" }, t("lead_actor")), " ", userText(a.lead)) : null,
        a.deadline ? el("span", { class: "p4-date" }, el("span", { class: "p4-label" }, t("deadline")), " ",
          el("span", { class: "entry-date" }, formatDate(a.deadline))) : null),
      served.length ? el("p", { class: "p4-served" }, el("span", { class: "p4-label" }, t("c4_priorities_served")), " ",
        ...served.map((p) => el("span", { class: "p4-priority", title: p.title }, String(p.confirmed_rank)))) : null);
  }) : [el("li", { class: "p4-empty", id: "p4-actions-none" }, t("c4_no_shared_actions_yet"))], actions.length || 1);
  const factors = factorItems(state, "p4-f");
  $("[data-p4-factors-column]").hidden = !factors.length;
  fitted($("[data-p4-factors]"), "factors", factors);
}

function renderClosing(state) {
  const factors = factorItems(state, "p4-cf");
  fitted($("[data-p4-closing-factors]"), "closing-factors", factors.length ? factors
    : [el("li", { class: "p4-empty", id: "p4-cf-none" }, t("c4_no_factors_yet"))], factors.length || 1);
  const measures = state.shared_plan.measures;
  fitted($("[data-p4-measures]"), "measures", measures.length ? measures.map((m) => el("li", { id: `p4-measure-${m.id}`, class: "p4-measure" },
    el("p", { class: "p4-measure-text", dir: "auto" }, m.text),
    el("p", { class: "p4-action-detail" },
      el("span", {}, el("span", { class: "p4-label" }, t("c4_measure_owner")), " ", userText(m.owner)),
      el("span", {}, el("span", { class: "p4-label" }, t("c4_measure_due")), " ", el("span", { class: "entry-date" }, formatDate(m.due))))))
    : [el("li", { class: "p4-empty", id: "p4-measures-none" }, t("c4_no_measures_yet"))], measures.length || 1);
  const members = state.closing.committee;
  $("[data-p4-committee-count]").textContent = members.length ? String(members.length) : "";
  fitted($("[data-p4-committee]"), "committee", members.length ? members.map((m) => el("li", { id: `p4-member-${m.participant_id}`, class: "p4-member" },
    el("span", { class: "p4-member-name" }, userText(m.name),
      m.organisation ? el("span", { class: "p4-member-org" }, " · ", userText(m.organisation)) : null),
    m.role ? el("span", { class: "p4-member-role", dir: "auto" }, m.role) : null))
    : [el("li", { class: "p4-empty", id: "p4-committee-none" }, t("c4_no_committee_yet"))], members.length || 1);
}

export function render(state, event) {
  const stage = state.stage.stage;
  if (!STAGES.includes(stage) || !state.synergies || !state.shared_plan || !state.closing) return;
  const root = $(".projector-step4");
  root.dataset.stage = stage;
  for (const part of root.querySelectorAll("[data-p4-part]")) part.hidden = part.dataset.p4Part !== stage;
  $("[data-p4-closed]").hidden = !state.workshop.closed_at;
  if (stage === "synergies") renderSynergies(state, event);
  if (stage === "shared_plan") renderPlan(state);
  if (stage === "closing") renderClosing(state);
}

export function setup() {
  const box = $("[data-p4-map]");
  if (box) map = new SynergyMap(box);
}
