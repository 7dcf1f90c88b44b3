// The live client every view shares: connects, catches up, and sends changes that are
// never lost. See docs/protocol.md.
//
// - On every (re)connect it sends `sync` with the last seq it applied and applies the
//   events it gets back (or a snapshot). Events pushed while a sync is pending are held
//   and applied after it, so nothing is applied out of order or twice.
// - `send(name, payload)` gives the change a client-made op_id, keeps it in
//   localStorage until the server acknowledges it, and resends it after a reconnect or a
//   reload. The server applies an op_id once, so a resend is harmless.

export const messages = JSON.parse(document.getElementById("i18n").textContent);
export const config = JSON.parse(document.getElementById("live-config").textContent);

const ACK_TIMEOUT_MS = 8000;

export function t(key) {
  return messages[key] || key;
}

export function newOpId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
}

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

export function stageInfo(key) {
  return config.stages.find((s) => s.key === key) || { key, title: key, step: 0 };
}

/** Apply an event to the state all views keep. Views add their own reducers. */
export function applyCommon(state, event) {
  const d = event.data;
  switch (event.type) {
    case "stage.changed":
      state.stage = { stage: d.stage, started_at: d.started_at };
      break;
    case "participant.joined": {
      const list = state.participants.list;
      if (!list.some((p) => p.id === d.participant.id)) {
        list.push(d.participant);
        const by = state.participants.by_profile;
        by[d.participant.profile] = (by[d.participant.profile] || 0) + 1;
      }
      break;
    }
    case "joining.updated":
      state.joining = d;
      break;
    case "workshop.updated":
      state.workshop = d;
      break;
  }
}

export class LiveClient {
  constructor({ onState, onEvent, onStatus, reducers = [] }) {
    this.workshop = config.workshop;
    this.view = config.view;
    this.state = null;
    this.lastSeq = 0;
    this.reducers = [applyCommon, ...reducers];
    this.onState = onState || (() => {});
    this.onEvent = onEvent || (() => {});
    this.onStatus = onStatus || (() => {});
    this.syncing = false;
    this.held = [];
    this.outboxKey = `facilitator:${this.workshop}:${this.view}:outbox`;
    this.clockOffset = 0; // server time minus this device's time, in ms
    this.pending = new Map(); // op_id -> {resolve}
    this.socket = io({ auth: { workshop: this.workshop, view: this.view } });
    this.socket.on("connect", () => this.sync());
    this.socket.on("disconnect", () => this.onStatus("offline"));
    this.socket.on("connect_error", (err) => this.onStatus("offline", err && err.data));
    this.socket.on("event", (event) => this.receive(event));
    this.onStatus("connecting");
  }

  serverNow() {
    return Date.now() + this.clockOffset;
  }

  sync() {
    this.syncing = true;
    this.socket.timeout(ACK_TIMEOUT_MS).emit("sync", { since: this.lastSeq }, (err, ack) => {
      if (err || !ack || !ack.ok) {
        this.syncing = false;
        setTimeout(() => this.socket.connected && this.sync(), 1000);
        return;
      }
      if (ack.snapshot) {
        this.state = ack.snapshot;
        this.lastSeq = ack.snapshot.seq;
        this.clockOffset = Date.parse(ack.snapshot.server_time) - Date.now();
      } else {
        for (const event of ack.events) this.apply(event);
      }
      this.syncing = false;
      const held = this.held.sort((a, b) => a.seq - b.seq);
      this.held = [];
      for (const event of held) this.apply(event);
      this.onStatus("online");
      this.onState(this.state);
      this.flushOutbox();
    });
  }

  receive(event) {
    if (this.syncing || !this.state) {
      this.held.push(event);
      return;
    }
    if (this.apply(event)) this.onState(this.state, event);
  }

  apply(event) {
    if (event.seq <= this.lastSeq) return false;
    for (const reduce of this.reducers) reduce(this.state, event);
    this.lastSeq = event.seq;
    this.onEvent(event, this.state);
    return true;
  }

  outbox() {
    try {
      return JSON.parse(localStorage.getItem(this.outboxKey) || "[]");
    } catch (e) {
      return [];
    }
  }

  saveOutbox(items) {
    try {
      localStorage.setItem(this.outboxKey, JSON.stringify(items));
    } catch (e) {
      /* private mode: the in-memory copy still gets resent while the page lives */
    }
  }

  /** Send a change; resolves with the server's ack ({ok, ...} or {ok: false, error}). */
  send(name, payload = {}) {
    const item = { name, payload: { ...payload, op_id: newOpId() } };
    this.saveOutbox([...this.outbox(), item]);
    return new Promise((resolve) => {
      this.pending.set(item.payload.op_id, resolve);
      if (this.socket.connected && !this.syncing) this.emit(item);
      else this.onStatus("queued");
    });
  }

  /** A read that changes nothing (e.g. themes.suggest): no op_id, not kept if offline. */
  query(name, payload = {}) {
    return new Promise((resolve) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit(name, payload, (err, ack) =>
        resolve(err ? { ok: false, error: { code: "timeout", message: t("offline") } } : ack));
    });
  }

  emit(item) {
    this.socket.timeout(ACK_TIMEOUT_MS).emit(item.name, item.payload, (err, ack) => {
      if (err) return; // no answer: it stays in the outbox and is resent on reconnect
      this.saveOutbox(this.outbox().filter((i) => i.payload.op_id !== item.payload.op_id));
      const resolve = this.pending.get(item.payload.op_id);
      this.pending.delete(item.payload.op_id);
      if (resolve) resolve(ack);
      else if (ack && !ack.ok) this.onStatus("rejected", ack.error, item);
    });
  }

  flushOutbox() {
    for (const item of this.outbox()) this.emit(item);
  }
}

/** Show the connection state in every [data-connection] element. */
export function showConnection(status) {
  const text = {
    connecting: t("connecting"),
    online: t("connected"),
    offline: t("offline"),
    queued: t("offline"),
  }[status];
  if (!text) return;
  for (const node of document.querySelectorAll("[data-connection]")) {
    node.textContent = text;
    node.dataset.status = status;
  }
}

export function setText(selector, text) {
  for (const node of document.querySelectorAll(selector)) node.textContent = text;
}

/** Show where the room is in every [data-stage-title], [data-stage-step] and
 *  [data-stage-hint]; returns the stage's description. */
export function showStage(state) {
  const current = stageInfo(state.stage.stage);
  setText("[data-stage-title]", current.title);
  setText("[data-stage-step]", current.step ? `${current.step} · ${current.step_title}` : current.step_title);
  setText("[data-stage-hint]", current.hint);
  return current;
}

export function showError(error) {
  const box = document.querySelector("[data-error]");
  if (!box) return;
  box.textContent = error ? error.message : "";
  box.hidden = !error;
}
