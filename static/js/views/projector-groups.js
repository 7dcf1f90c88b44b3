// Step 3 on the projector. On entering it, until the work starts: the line-up, who is in
// which group (names by group, with the mix of profiles), so the room finds its tables.
// During a sub-step: each group's count and its latest entries. At a synthesis: the
// groups side by side, each with its synthesis and its entries, the highlighted ones
// first and marked; or one group alone while it reports (spotlight). Nothing runs off
// the screen: each column's list is fitted to the space left, and a line says how many
// more there are.
import { config } from "../core/page.js";
import { el, fit, morph, userText } from "../core/dom.js";
import { fill, t, tn } from "../core/i18n.js";
import {
  ENTRY, activeGroups, board, entriesOf, entryCount, entryItem, isSynthesis, personById, rapporteurName,
  sentence, substepOf,
} from "./board.js";

const $ = (selector) => document.querySelector(selector);
const DRAWN = 60; // entries drawn per column before fitting
const SYNTHESIS_SIZES = ["s1", "s2", "s3", "s4"]; // from large to the minimum type size
const NAME_DENSITIES = ["1", "2", "3", "4"]; // one column of large names, smaller, then two, smaller

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
      reporter && synthesis ? [" · ", ...sentence(t("rapporteur_is"), { name: reporter })] : null),
    synthesis ? el("p", { class: "group3-synthesis", dir: "auto" }, text || t("no_synthesis_yet")) : null,
    el("ol", { class: "group3-entries" }, ...all.slice(0, DRAWN).map((entry) => entryItem(kind, entry, b,
      { prefix: "p3-", compact: !spotlit, number: kind === "objective" ? b.objectives.indexOf(entry) + 1 : null }))),
    el("p", { class: "more" }));
}

/** The work starts with the room's first entry on any board: until then people are still
 *  finding their group and its table, and the line-up is what the room needs to see.
 *  It is read from the boards every screen already has, so a reloaded or second
 *  projector agrees, and the facilitator has nothing more to click (a timer can run
 *  over the line-up while people settle). Only at the objectives, the first sub-step. */
function lineupTime(state) {
  return state.stage.stage === "objectives"
    && !activeGroups(state).some((g) => entryCount(board(state, g.id)));
}

/** One group of the line-up: its priority, its size and profile mix, its members. */
function lineupColumn(state, group) {
  const people = group.members.map((id) => personById(state, id)).filter(Boolean)
    .sort((a, b) => a.name.localeCompare(b.name));
  const mix = new Map();
  for (const p of people) mix.set(p.profile, (mix.get(p.profile) || 0) + 1);
  const reporter = rapporteurName(state, group);
  return el("section", { class: "group3 lineup3-group", id: `p3-lineup-${group.id}` },
    el("h2", { class: "group3-title" }, group.rank ? el("span", { class: "group3-rank" }, `${group.rank}`) : null,
      userText(group.title)),
    el("p", { class: "group3-count" }, tn("n_members", people.length),
      reporter ? [" · ", ...sentence(t("rapporteur_is"), { name: reporter })] : null),
    el("p", { class: "lineup3-mix" }, ...[...mix.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .flatMap(([profile, n], i) => [i ? " · " : "",
        el("span", { class: "lineup3-profile" }, userText(profile), "\u00a0", el("strong", {}, n))])),
    el("ul", { class: "lineup3-names" }, ...(people.length
      ? people.map((p) => el("li", { id: `p3-member-${p.id}` }, userText(p.name)))
      : [el("li", { class: "lineup3-empty", id: `p3-empty-${group.id}` }, t("lineup_empty"))])),
    el("p", { class: "more" }));
}

function renderLineup(state, groups) {
  const box = $("[data-p3-lineup]");
  const choosing = state.groups.settings.mode === "choose";
  $("[data-p3-lineup-prompt]").textContent = choosing ? t("lineup_choose") : t("lineup_balanced");
  const list = $("[data-p3-lineup-groups]");
  list.style.gridTemplateColumns = `repeat(${Math.max(1, groups.length)}, minmax(0, 1fr))`; // CSSOM
  morph(list, groups.length ? groups.map((g) => lineupColumn(state, g))
    : [el("p", { class: "results-hidden", id: "p3-no-groups" }, t("groups_not_formed"))]);
  const loose = state.participants.list.filter((p) => p.group_id == null).length;
  const looseLine = $("[data-p3-lineup-loose]");
  looseLine.hidden = !loose || Boolean(config.group_screen);
  looseLine.textContent = fill(t("lineup_loose"), { n: loose });
  if (box.closest("[hidden]")) return;
  // every name in the largest type that lets them all show; past the smallest, the rest
  // are counted
  for (const col of list.querySelectorAll(".lineup3-group")) {
    const names = col.querySelector(".lineup3-names");
    const moreLine = col.querySelector(".more");
    moreLine.textContent = "";
    names.style.maxBlockSize = "none";
    const room = col.getBoundingClientRect().bottom - names.getBoundingClientRect().top
      - moreLine.getBoundingClientRect().height - 8;
    names.style.maxBlockSize = `${Math.max(0, room)}px`;
    let hiddenCount = 0;
    for (const density of NAME_DENSITIES) {
      names.dataset.density = density;
      hiddenCount = names.children.length - fit(names);
      if (!hiddenCount) break;
    }
    moreLine.textContent = hiddenCount > 0 ? tn("n_more", hiddenCount) : "";
  }
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
  const lineup = lineupTime(state);
  $("[data-p3-lineup]").hidden = !lineup;
  node.hidden = lineup;
  if (lineup) {
    renderLineup(state, groups);
    return;
  }
  morph($("[data-p3-lineup-groups]"), []); // the line-up is over: nothing of it stays
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
