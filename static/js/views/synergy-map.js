// The synergy map, drawn as SVG by the server (GET /workshops/<id>/synergies/map.svg):
// the working groups, and the shared actors and actions between them. It is put into the
// page inline, not as an <img>, so the page's own fonts draw its labels (Arabic shaped,
// right to left): the text is parsed as SVG (DOMParser) and the parsed node imported,
// never set as HTML. It is fetched again, a moment after the last synergy or shared
// action changed, while its panel is on the screen.
import { config } from "../core/page.js";
import { el } from "../core/dom.js";
import { t } from "../core/i18n.js";

const REFRESH_AFTER_MS = 800;
const CHANGES = /^(synergy|shared_action)\.(saved|removed)$/;

export class SynergyMap {
  /** `box`: the element the map fills; `onDrawn` runs after each (re)draw. */
  constructor(box, { onDrawn = () => {} } = {}) {
    this.box = box;
    this.onDrawn = onDrawn;
    this.url = config.synergy_map_url;
    this.loaded = false; // drawn (or found missing) since the last change
    this.timer = null;
    this.loading = null;
  }

  /** Call on every state change: loads the map the first time its panel shows, and
   *  again (debounced) after a synergy or a shared action changed. */
  update(event) {
    if (!this.box) return;
    if (event && CHANGES.test(event.type)) {
      this.loaded = false;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.load(), REFRESH_AFTER_MS);
      return;
    }
    if (!this.loaded && !this.timer && !this.box.closest("[hidden]")) this.load();
  }

  async load() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.box.closest("[hidden]")) return; // drawn when its panel shows
    if (this.loading) { // a change arrived while drawing: draw again after it
      this.timer = setTimeout(() => this.load(), REFRESH_AFTER_MS);
      return;
    }
    this.loaded = true;
    this.box.setAttribute("aria-busy", "true");
    this.loading = this.fetchSvg().then((svg) => {
      if (svg) {
        this.box.replaceChildren(svg);
        this.box.dataset.map = "drawn";
      } else {
        this.box.replaceChildren(el("p", { class: "map-missing" }, t("c4_map_unavailable")));
        this.box.dataset.map = "missing";
      }
    }).finally(() => {
      this.loading = null;
      this.box.removeAttribute("aria-busy");
      this.onDrawn();
    });
  }

  async fetchSvg() {
    let text;
    try {
      const response = await fetch(this.url, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return null;
      text = await response.text();
    } catch {
      return null; // offline: the next change tries again
    }
    const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
    const root = parsed.documentElement;
    if (!root || root.localName !== "svg" || parsed.getElementsByTagName("parsererror").length) return null;
    for (const node of root.querySelectorAll("script, foreignObject")) node.remove(); // drawings only
    const svg = document.importNode(root, true);
    svg.classList.add("synergy-map");
    if (!svg.getAttribute("role")) svg.setAttribute("role", "img");
    if (!svg.getAttribute("aria-label") && !svg.querySelector("title")) svg.setAttribute("aria-label", t("c4_synergy_map"));
    return svg;
  }
}
