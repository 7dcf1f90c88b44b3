// The facilitator's console: where the room is, moving it, joining, who is here.
import { LiveClient, config, el, setText, showConnection, showError, showStage, stageInfo, t } from "./live.js";
import { applySteps12, barChart, cardElement, ranking, showFor, startTimerDisplay } from "./steps12.js";

const $ = (selector) => document.querySelector(selector);
let client;

function renderStage(state) {
  const current = showStage(state);
  const list = $("[data-stage-list]");
  list.replaceChildren(...config.stages.map((stage) => el("li",
    { class: stage.key === current.key ? "current" : (stage.index < current.index ? "done" : "") },
    el("button", {
      type: "button", class: "link", dataset: { stage: stage.key },
      "aria-current": stage.key === current.key ? "step" : null,
      onclick: () => moveTo(stage.key),
    }, `${stage.step ? stage.step + "." : ""} ${stage.title}`))));
  const back = $("[data-stage-back]");
  const next = $("[data-stage-next]");
  if (back) back.disabled = !current.previous;
  if (next) {
    next.disabled = !current.next;
    next.textContent = current.next ? `${t("next")}: ${stageInfo(current.next).title}` : t("next");
  }
}

function renderJoining(state) {
  const j = state.joining;
  setText("[data-join-code]", j.join_code);
  setText("[data-join-url]", j.join_url);
  setText("[data-joining-state]", j.joining_open ? t("joining_open") : t("joining_closed"));
  const toggle = $("[data-joining-toggle]");
  if (toggle) toggle.textContent = j.joining_open ? t("close_joining") : t("open_joining");
}

function renderParticipants(state) {
  const { list, by_profile: byProfile } = state.participants;
  setText("[data-participant-count]", String(list.length));
  $("[data-profile-counts]").replaceChildren(...Object.entries(byProfile)
    .sort((a, b) => b[1] - a[1])
    .map(([profile, n]) => el("li", {}, el("span", {}, profile), " ", el("strong", {}, n))));
  $("[data-participant-list]").replaceChildren(...list.slice().reverse().map((p) =>
    el("li", { dataset: { participant: p.id } }, el("strong", {}, p.name),
      p.organisation ? ` · ${p.organisation}` : "", el("span", { class: "tag" }, p.profile))));
}

function render(state) {
  renderStage(state);
  renderJoining(state);
  renderParticipants(state);
  renderSteps12(state);
}

async function run(name, payload = {}) {
  showError(null);
  const ack = await client.send(name, payload);
  if (!ack.ok) showError(ack.error);
  return ack;
}

function moveTo(stageKey) {
  const from = client.state.stage.stage;
  if (stageKey && stageKey !== from) run("stage.change", { from_stage: from, to_stage: stageKey });
}

$("[data-stage-next]")?.addEventListener("click", () => moveTo(stageInfo(client.state.stage.stage).next));
$("[data-stage-back]")?.addEventListener("click", () => moveTo(stageInfo(client.state.stage.stage).previous));
$("[data-joining-toggle]")?.addEventListener("click", () =>
  run("joining.update", { joining_open: !client.state.joining.joining_open }));
$("[data-new-code]")?.addEventListener("click", () => {
  if (window.confirm(t("confirm_new_code"))) run("joining.update", { new_code: true });
});

// --- Steps 1 and 2 -------------------------------------------------------------------

const runs = Boolean($("[data-stage-next]")); // co-facilitators and owners get controls
const selected = new Set(); // cards ticked for a merge
const confirmDraft = new Map(); // theme id -> {checked, title, description} typed here
let lastMove = null; // {idea_id, previous_theme_id}: what "undo" puts back

function renderCards(state) {
  const cards = state.ideas.list;
  const stage = state.stage.stage;
  setText("[data-card-count]", String(cards.filter((c) => !c.hidden).length));
  for (const box of document.querySelectorAll("[data-setting]")) {
    box.checked = Boolean(state.ideas.settings[box.dataset.setting]);
  }
  for (const id of [...selected]) if (!cards.some((c) => c.id === id)) selected.delete(id);
  const merge = $("[data-merge]");
  if (merge) merge.disabled = selected.size < 2;
  const themes = state.priorities.themes;
  $("[data-moderation]").replaceChildren(...cards.slice().reverse().map((card) => {
    const controls = !runs ? [] : [el("p", { class: "card-actions" },
      el("label", { class: "check small" }, el("input", { type: "checkbox", checked: selected.has(card.id),
        onchange: (e) => { e.target.checked ? selected.add(card.id) : selected.delete(card.id); render(client.state); } }),
      t("select")),
      el("button", { type: "button", class: "link", onclick: () => editCard(card) }, t("edit")),
      el("button", { type: "button", class: "link", onclick: () =>
        run(card.hidden ? "idea.restore" : "idea.hide", { idea_id: card.id }) },
      card.hidden ? t("restore") : t("hide")),
      stage === "themes" && !card.hidden ? el("select", { "aria-label": t("theme_of_card"),
        onchange: (e) => assign(card, e.target.value ? Number(e.target.value) : null) },
      el("option", { value: "" }, t("no_theme")),
      ...themes.map((th) => el("option", { value: th.id, selected: th.id === card.theme_id }, th.title))) : null)];
    return el("li", {}, cardElement(card, { extra: controls }));
  }));
}

function renderThemes(state) {
  const { themes } = state.priorities;
  const undo = $("[data-undo]");
  if (undo) undo.hidden = !lastMove;
  $("[data-theme-list]").replaceChildren(...themes.map((theme) => {
    const cards = state.ideas.list.filter((c) => c.theme_id === theme.id);
    return el("li", { dataset: { theme: theme.id } },
      el("strong", {}, theme.title), " ", el("span", { class: "count" }, cards.length),
      theme.confirmed_rank ? el("span", { class: "tag" }, `${t("priority")} ${theme.confirmed_rank}`) : null,
      runs ? el("button", { type: "button", class: "link", onclick: () => renameTheme(theme) }, t("rename")) : null,
      runs && themes.length > 1 ? el("select", { "aria-label": t("merge_into"),
        onchange: (e) => e.target.value && run("theme.merge", { into_id: Number(e.target.value), theme_ids: [theme.id] }) },
      el("option", { value: "" }, t("merge_into")),
      ...themes.filter((o) => o.id !== theme.id).map((o) => el("option", { value: o.id }, o.title))) : null,
      el("ul", { class: "theme-cards" }, ...cards.map((c) => el("li", {}, c.text))));
  }));
}

function renderVoting(state) {
  const pr = state.priorities;
  for (const box of document.querySelectorAll("[data-voting]")) box.checked = Boolean(pr.voting[box.dataset.voting]);
  const rows = ranking(state) || [];
  $("[data-results]").replaceChildren(...barChart(rows));
  const list = $("[data-confirm-list]");
  if (!list) return;
  const wanted = Math.min(state.workshop.priority_count, pr.themes.length);
  setText("[data-confirm-count]", `(${wanted})`);
  const confirmedIds = new Set((pr.confirmed || []).map((p) => p.id));
  list.replaceChildren(...rows.map((row, index) => {
    const draft = confirmDraft.get(row.theme.id) || {};
    const checked = draft.checked ?? (confirmedIds.size ? confirmedIds.has(row.theme.id) : index < wanted);
    const remember = () => confirmDraft.set(row.theme.id, {
      checked: item.querySelector("input[type=checkbox]").checked,
      title: item.querySelector("input[name=title]").value,
      description: item.querySelector("input[name=description]").value });
    const item = el("li", { dataset: { theme: row.theme.id }, class: row.tied ? "tied" : "" },
      el("label", { class: "check" }, el("input", { type: "checkbox", checked, onchange: remember }),
        `${row.dots} ${t("dots")}`, row.tied ? el("span", { class: "tag warn" }, t("tie")) : null),
      el("input", { type: "text", name: "title", maxlength: 120, value: draft.title ?? row.theme.title,
        "aria-label": t("title"), oninput: remember }),
      el("input", { type: "text", name: "description", maxlength: 300, value: draft.description ?? row.theme.description,
        placeholder: t("one_line_description"), "aria-label": t("one_line_description"), oninput: remember }));
    return item;
  }));
}

async function editCard(card) {
  const text = window.prompt(t("edit_card"), card.text);
  if (text !== null && text !== card.text) await run("idea.edit", { idea_id: card.id, text });
}

async function renameTheme(theme) {
  const title = window.prompt(t("rename"), theme.title);
  if (title !== null && title !== theme.title) await run("theme.rename", { theme_id: theme.id, title });
}

async function assign(card, themeId) {
  const ack = await run("idea.assign", { idea_id: card.id, theme_id: themeId });
  if (ack.ok) {
    lastMove = { idea_id: card.id, previous_theme_id: ack.previous_theme_id };
    render(client.state);
  }
}

function renderSteps12(state) {
  showFor(state.stage.stage);
  renderCards(state);
  renderThemes(state);
  renderVoting(state);
}

for (const box of document.querySelectorAll("[data-setting]")) {
  box.addEventListener("change", () => run("ideas.settings", { [box.dataset.setting]: box.checked }));
}
for (const box of document.querySelectorAll("[data-voting]")) {
  box.addEventListener("change", async () => {
    const ack = await run("voting.update", { [box.dataset.voting]: box.checked });
    if (!ack.ok) box.checked = !box.checked;
  });
}
for (const button of document.querySelectorAll("[data-timer-start]")) {
  button.addEventListener("click", () => run("timer.start", { seconds: Number(button.dataset.timerStart) }));
}
$("[data-timer-stop]")?.addEventListener("click", () => run("timer.stop"));
$("[data-merge]")?.addEventListener("click", async () => {
  const [into, ...others] = [...selected].sort((a, b) => a - b);
  const ack = await run("idea.merge", { into_id: into, idea_ids: others });
  if (ack.ok) selected.clear();
});
$("[data-undo]")?.addEventListener("click", async () => {
  if (!lastMove) return;
  const move = lastMove;
  const ack = await run("idea.assign", { idea_id: move.idea_id, theme_id: move.previous_theme_id });
  if (ack.ok) lastMove = null;
  render(client.state);
});
$("[data-theme-form]")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = event.target.elements.title;
  const ack = await run("theme.create", { title: input.value });
  if (ack.ok) input.value = "";
});
$("[data-suggest]")?.addEventListener("click", async () => {
  const ack = await client.query("themes.suggest");
  if (!ack.ok) return showError(ack.error);
  const cards = new Map(client.state.ideas.list.map((c) => [c.id, c]));
  $("[data-suggestions]").replaceChildren(...(ack.suggestions.length ? ack.suggestions.map((s) =>
    el("li", { class: "suggestion" },
      el("p", {}, el("strong", {}, s.keywords.join(", ")), ` · ${s.idea_ids.length} ${t("cards")}`),
      el("ul", {}, ...s.idea_ids.filter((id) => cards.has(id)).map((id) => el("li", {}, cards.get(id).text))),
      el("button", { type: "button", class: "small", onclick: async (e) => {
        e.target.disabled = true;
        const made = await run("theme.create", { title: s.keywords.join(" · ") });
        if (made.ok) for (const id of s.idea_ids) await run("idea.assign", { idea_id: id, theme_id: made.theme.id });
        e.target.closest("li").remove();
      } }, t("make_theme"))))
    : [el("li", { class: "hint" }, t("no_suggestions"))]));
});
$("[data-confirm-form]")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const chosen = [...event.target.querySelectorAll("[data-confirm-list] > li")]
    .filter((li) => li.querySelector("input[type=checkbox]").checked);
  const ack = await run("priorities.confirm", {
    theme_ids: chosen.map((li) => Number(li.dataset.theme)),
    titles: chosen.map((li) => li.querySelector("input[name=title]").value),
    descriptions: chosen.map((li) => li.querySelector("input[name=description]").value),
  });
  if (ack.ok) confirmDraft.clear();
});

client = new LiveClient({ reducers: [applySteps12], onState: render, onStatus: (status, error) => {
  showConnection(status);
  if (status === "rejected") showError(error);
} });
window.facilitatorClient = client;
startTimerDisplay(client);
