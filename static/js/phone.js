// The participant's phone: where the room is and what to do now.
import { LiveClient, setText, showConnection, stageInfo } from "./live.js";

function render(state) {
  const current = stageInfo(state.stage.stage);
  setText("[data-stage-title]", current.title);
  setText("[data-stage-step]", current.step ? `${current.step} · ${current.step_title}` : current.step_title);
  setText("[data-stage-hint]", current.hint);
}

const client = new LiveClient({ onState: render, onStatus: showConnection });
window.facilitatorClient = client;
