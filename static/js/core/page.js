// What the page hands the scripts (<script id="live-config">: the workshop, the view, the
// method's stages, a few URLs) and the lines every live page shows: where the room is,
// the connection. Read when the page loads its scripts.
import { setText } from "./dom.js";
import { t } from "./i18n.js";

export const config = JSON.parse(document.getElementById("live-config").textContent);

/** The stage `key` as the method describes it ({key, title, step, hint…}). */
export function stageInfo(key) {
  return config.stages.find((s) => s.key === key) || { key, title: key, step: 0 };
}

/** Show the connection state in every [data-connection] element. */
export function showConnection(status) {
  const text = {
    connecting: t("connecting"),
    online: t("connected"),
    reconnecting: t("reconnecting"),
    offline: t("offline"),
    queued: t("offline"),
    refused: t("signed_out"),
  }[status];
  if (!text) return;
  for (const node of document.querySelectorAll("[data-connection]")) {
    node.textContent = text;
    node.dataset.status = status;
  }
}

/** Show where the room is in every [data-stage-title], [data-stage-step] and
 *  [data-stage-hint]; returns the stage's description. */
export function showStage(state) {
  const current = stageInfo(state.stage.stage);
  setText("[data-stage-title]", current.title);
  setText("[data-stage-step]", current.step_number ? `${current.step_number} · ${current.step_title}` : current.step_title);
  setText("[data-stage-hint]", current.hint);
  return current;
}
