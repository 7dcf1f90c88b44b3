// Updating the page by key: a list is redrawn as new nodes, then morphed into the page
// (idiomorph, served under /vendor from the pinned npm package). Nodes with the same id
// are kept, so what the facilitator is typing, the focus, the selection, the ticked
// boxes and the scroll position survive every event. Listeners go on the containers
// (see `on`), never on the redrawn nodes, which may be replaced or kept.
//
// Every node is built with `el`: text is always set as text, never parsed as HTML (the
// CSP and the house rule: no innerHTML). Nothing here touches the page until called.
import { Idiomorph } from "../../../vendor/idiomorph.esm.js"; // stays in the page's asset version

/** Create an element: el("li", {class: "x", dataset: {id: 1}}, "text", child). Text is
 *  always set as text, never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A person's own words, isolated for direction: French in an Arabic page reads left to
 *  right, Arabic in a French page right to left, and neither scrambles its neighbours. */
export function userText(text, tag = "bdi") {
  return el(tag, { dir: "auto" }, text);
}

/** Set the text of every element `selector` finds. */
export function setText(selector, text) {
  for (const node of document.querySelectorAll(selector)) node.textContent = text;
}

/** Show the parts of the page meant for `stage` ([data-stages="ideas vote"]), hide the rest. */
export function showFor(stage) {
  for (const node of document.querySelectorAll("[data-stages]")) {
    node.hidden = !node.dataset.stages.split(" ").includes(stage);
  }
}

/** An error's sentence in the page's [data-error] box, or the box hidden (null). */
export function showError(error) {
  const box = document.querySelector("[data-error]");
  if (!box) return;
  box.textContent = error ? error.message : "";
  box.hidden = !error;
}

/** Make `container`'s children look like `children`, keeping nodes by id.
 *  Inline styles (a bar's width) are set through the CSSOM, which the CSP allows; copying
 *  the `style` attribute would be refused by the CSP, so a kept node takes the new
 *  node's style through the CSSOM instead. */
export function morph(container, children) {
  if (!container) return;
  Idiomorph.morph(container, children.filter(Boolean), {
    morphStyle: "innerHTML",
    ignoreActiveValue: true, // the field being typed in keeps its text
    restoreFocus: true,
    callbacks: {
      beforeNodeMorphed(oldNode, newNode) {
        if (oldNode.style && newNode.style && oldNode.style.cssText !== newNode.style.cssText) {
          oldNode.style.cssText = newNode.style.cssText;
        }
        return true;
      },
      beforeAttributeUpdated: (name) => name !== "style",
    },
  });
}

/** One delegated listener: `on(root, "click", "[data-action=hide]", (node, event) => …)`. */
export function on(root, type, selector, handler) {
  (root || document).addEventListener(type, (event) => {
    const node = event.target.closest && event.target.closest(selector);
    if (node && (root || document).contains(node)) handler(node, event);
  });
}

/** Hide the children of `list` that fall below its bottom edge (a projector list that
 *  must fit the screen); returns how many show. */
export function fit(list) {
  const items = [...list.children];
  for (const item of items) item.hidden = false;
  if (list.closest("[hidden]")) return items.length;
  const bottom = list.getBoundingClientRect().bottom + 1;
  let shown = 0;
  for (const item of items) {
    const fits = item.getBoundingClientRect().bottom <= bottom;
    item.hidden = !fits;
    if (fits) shown += 1;
  }
  return shown;
}
