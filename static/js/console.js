// The facilitator's console: where the room is, moving it, joining, who is here.
import { LiveClient, config, el, setText, showConnection, showError, showStage, stageInfo, t } from "./live.js";

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
}

async function run(name, payload) {
  showError(null);
  const ack = await client.send(name, payload);
  if (!ack.ok) showError(ack.error);
  return ack;
}

function moveTo(stageKey) {
  const from = client.state.stage.stage;
  if (stageKey && stageKey !== from) run("stage.change", { from_stage: from, to_stage: stageKey });
}

client = new LiveClient({ onState: render, onStatus: (status, error) => {
  showConnection(status);
  if (status === "rejected") showError(error);
} });
window.facilitatorClient = client;

$("[data-stage-next]")?.addEventListener("click", () => moveTo(stageInfo(client.state.stage.stage).next));
$("[data-stage-back]")?.addEventListener("click", () => moveTo(stageInfo(client.state.stage.stage).previous));
$("[data-joining-toggle]")?.addEventListener("click", () =>
  run("joining.update", { joining_open: !client.state.joining.joining_open }));
$("[data-new-code]")?.addEventListener("click", () => {
  if (window.confirm(t("confirm_new_code"))) run("joining.update", { new_code: true });
});
