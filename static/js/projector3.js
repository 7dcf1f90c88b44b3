// Step 3 on the projector. During a sub-step: each group's count and its latest entries.
// At a synthesis: the groups side by side, each with its synthesis and its entries, the
// highlighted ones first and marked; or one group alone while it reports (spotlight).
// Nothing runs off the screen: each column's list is fitted to the space left under the
// synthesis, and a line says how many more there are.
import { config, el, t } from "./live.js";
import { userText } from "./steps12.js";
import { fit, morph } from "./dom.js";
import { tn } from "./i18n.js";
import { ENTRY, activeGroups, board, entriesOf, entryItem, isSynthesis, rapporteurName, substepOf } from "./board3.js";

const $ = (selector) => document.querySelector(selector);
const DRAWN = 60; // entries drawn per column before fitting
const SYNTHESIS_SIZES = ["s1", "s2", "s3", "s4"]; // from large to the minimum type size

function column(state, group, substep, synthesis, spotlit) {
  const b = board(state, group.id);
  const kind = ENTRY[substep];
  const all = entriesOf(b, substep, { highlightFirst: synthesis, newestFirst: !synthesis });
  const text = (state.groups.syntheses.find((s) => s.group_id === group.id && s.substep === substep) || {}).text || "";
  const reporter = rapporteurName(state, group);
  return el("section", { class: "group3", id: `p3-group-${group.id}` },
    el("h2", { class: "group3-title" }, group.rank ? el("span", { class: "group3-rank" }, `${group.rank}`) : null,
      userText(group.title)),
    el("p", { class: "group3-count" }, tn(`n_${substep}`, all.length),
      reporter && synthesis ? [" · ", t("rapporteur"), " ", userText(reporter)] : null),
    synthesis ? el("p", { class: "group3-synthesis", dir: "auto" }, text || t("no_synthesis_yet")) : null,
    el("ol", { class: "group3-entries" }, ...all.slice(0, DRAWN).map((entry) => entryItem(kind, entry, b,
      { prefix: "p3-", compact: !spotlit, number: kind === "objective" ? b.objectives.indexOf(entry) + 1 : null }))),
    el("p", { class: "more" }));
}

export function render(state) {
  const stage = state.stage.stage;
  const substep = substepOf(stage);
  const node = $("[data-p3-groups]");
  if (!substep || !state.groups || !node) return;
  const synthesis = isSynthesis(stage);
  // a group screen (config.group_screen) shows its own group alone, whatever the spotlight
  const spotlight = config.group_screen || state.groups.settings.spotlight_group_id;
  let groups = activeGroups(state);
  if (spotlight && groups.some((g) => g.id === spotlight)) groups = groups.filter((g) => g.id === spotlight);
  node.dataset.mode = synthesis ? "synthesis" : "work";
  node.dataset.spotlight = groups.length === 1 && spotlight ? "yes" : "";
  node.style.gridTemplateColumns = `repeat(${Math.max(1, groups.length)}, minmax(0, 1fr))`; // CSSOM
  morph(node, groups.length ? groups.map((g) => column(state, g, substep, synthesis, node.dataset.spotlight === "yes"))
    : [el("p", { class: "results-hidden", id: "p3-no-groups" }, t("groups_not_formed"))]);
  if (node.closest("[hidden]")) return;
  for (const col of node.querySelectorAll(".group3")) {
    const list = col.querySelector(".group3-entries");
    const moreLine = col.querySelector(".more");
    const text = col.querySelector(".group3-synthesis");
    moreLine.textContent = "";
    list.style.maxBlockSize = "none";
    if (text) {
      // the synthesis takes at most half the column, in the largest type that fits
      const half = col.getBoundingClientRect().height / 2;
      for (const size of SYNTHESIS_SIZES) {
        text.dataset.size = size;
        if (text.getBoundingClientRect().height <= half) break;
      }
    }
    const room = col.getBoundingClientRect().bottom - list.getBoundingClientRect().top
      - moreLine.getBoundingClientRect().height - 8;
    list.style.maxBlockSize = `${Math.max(0, room)}px`;
    const hiddenCount = list.children.length - fit(list);
    const total = board(state, Number(col.id.replace("p3-group-", "")))[substep].length;
    const extra = hiddenCount + Math.max(0, total - list.children.length);
    moreLine.textContent = extra > 0 ? tn("n_more", extra) : "";
  }
}
