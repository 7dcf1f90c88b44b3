// The live client every view shares: connects, catches up, and sends changes that are
// never lost. See docs/protocol.md.
//
// - On every (re)connect, and whenever the server says `resync`, it sends `sync` with the
//   last seq it applied and the scope of its last snapshot, and applies the events it
//   gets back (or a snapshot). Events pushed while a sync is pending are held and applied
//   after it, so nothing is applied out of order or twice.
// - Each event names its stream and the seq of that stream's previous event (`prev`): an
//   event whose `prev` this client has not applied means one was missed, and it syncs.
// - `send(name, payload)` gives the change a client-made op_id, keeps it in localStorage
//   until the server acknowledges it, and resends the same op_id after an ack timeout,
//   a reconnect or a reload. The server applies an op_id once, so a resend is harmless.
//   A change the server keeps dropping the connection for is given up after a few tries,
//   and the person is told.

import { config } from "./page.js";
import { t } from "./i18n.js";
import { alreadyApplied, applyCommon, applyInOrder, headOf, missedBefore } from "./room.js";

const ACK_TIMEOUT_MS = 8000;

export function newOpId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
}

const RESEND_MAX_MS = 30000;
// A sync is answered however long it takes while connected (a thousand phones syncing at
// once after a Wi-Fi cut wait their turn): resending it would only add to the queue.
const SYNC_TIMEOUT_MS = 60000;
const DROPPED_AFTER = 3; // connections lost while a change was in flight
const MAX_MESSAGE_BYTES = config.max_message_bytes || 1024 * 1024;

function byteLength(value) {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

export class LiveClient {
  constructor({ onState, onEvent, onStatus, onPending, onLateAck, reducers = [] }) {
    this.workshop = config.workshop;
    this.view = config.view;
    this.state = null;
    this.lastSeq = 0;
    this.heads = {}; // stream -> the last seq applied from it
    this.scope = null;
    this.reducers = [applyCommon, ...reducers];
    this.onState = onState || (() => {});
    this.onEvent = onEvent || (() => {});
    this.onStatus = onStatus || (() => {});
    this.onPending = onPending || (() => {});
    this.onLateAck = onLateAck || (() => {});
    this.syncing = false;
    this.resyncWanted = false;
    this.refused = false;
    this.held = [];
    this.outboxKey = `facilitator:${this.workshop}:${this.view}:outbox`;
    this.clockOffset = 0; // server time minus this device's time, in ms
    this.pending = new Map(); // op_id -> resolve, until the first answer (ack or timeout)
    this.inFlight = new Map(); // op_id -> item emitted and not yet acknowledged
    this.retryTimers = new Map();
    this.memoryOutbox = null; // used when localStorage is unavailable
    this.socket = io({ auth: { workshop: this.workshop, view: this.view } });
    this.socket.on("connect", () => this.sync());
    this.socket.on("disconnect", (reason) => {
      this.lostConnection();
      // the server closed this socket itself (the person's rights went: removed from the
      // workshop, signed out): connect again once, so the server says why (a refused
      // connection) instead of the page waiting for a reconnect that never comes
      if (reason === "io server disconnect" && !this.refused) this.socket.connect();
    });
    this.socket.on("connect_error", (err) => {
      if (err && err.data && ["forbidden", "not_joined", "not_found"].includes(err.data.code)) {
        this.refuse(err.data ? { code: err.data.code, message: err.message } : null);
      } else this.onStatus("offline", err && err.data);
    });
    this.socket.on("event", (event) => this.receive(event));
    this.socket.on("resync", () => this.sync());
    this.onStatus("connecting");
    this.onPending(this.outbox().length);
  }

  serverNow() {
    return Date.now() + this.clockOffset;
  }

  refuse(error) {
    this.refused = true;
    this.socket.disconnect();
    this.onStatus("refused", error);
  }

  sync(since = this.lastSeq) {
    if (this.syncing) {
      this.resyncWanted = true;
      return;
    }
    this.syncing = true;
    const payload = { since, scope: this.scope };
    this.socket.timeout(SYNC_TIMEOUT_MS).emit("sync", payload, (err, ack) => {
      this.syncing = false;
      if (ack && !ack.ok && ack.error && ack.error.code === "signed_out") {
        this.refuse(ack.error);
        return;
      }
      if (err || !ack || !ack.ok) {
        // try again a little later, each phone at its own moment
        setTimeout(() => this.socket.connected && this.sync(), 1000 + Math.random() * 4000);
        return;
      }
      if (ack.snapshot) {
        this.state = ack.snapshot;
        this.lastSeq = ack.snapshot.seq;
        this.heads = { ...(ack.snapshot.streams || {}) };
        this.scope = ack.snapshot.scope;
        this.clockOffset = Date.parse(ack.snapshot.server_time) - Date.now();
      } else {
        for (const event of ack.events) this.apply(event);
      }
      const held = this.held.sort((a, b) => a.seq - b.seq);
      this.held = [];
      this.onStatus("online");
      this.onState(this.state);
      for (const event of held) this.receive(event);
      if (this.resyncWanted) {
        this.resyncWanted = false;
        this.sync();
        return;
      }
      this.flushOutbox();
    });
  }

  receive(event) {
    if (this.syncing || !this.state) {
      this.held.push(event);
      return;
    }
    if (alreadyApplied(this.heads, event)) return;
    if (missedBefore(this.heads, event)) {
      // an event of this stream never reached us: catch up from where the stream stopped
      this.held.push(event);
      this.sync(Math.min(this.lastSeq, headOf(this.heads, event)));
      return;
    }
    if (this.apply(event)) this.onState(this.state, event);
  }

  apply(event) {
    if (!applyInOrder(this.state, this.heads, event, this.reducers)) return false;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    this.onEvent(event, this.state);
    return true;
  }

  outbox() {
    if (this.memoryOutbox) return this.memoryOutbox;
    try {
      return JSON.parse(localStorage.getItem(this.outboxKey) || "[]");
    } catch {
      return [];
    }
  }

  saveOutbox(items) {
    try {
      localStorage.setItem(this.outboxKey, JSON.stringify(items));
      this.memoryOutbox = null;
    } catch {
      this.memoryOutbox = items; // private mode: kept while the page lives
    }
    this.onPending(items.length);
  }

  /** Send a change; resolves with the server's ack ({ok, ...} or {ok: false, error}), or
   *  after the ack timeout with {ok: false, pending: true, error} while the change stays
   *  queued and is resent (its real ack then goes to onLateAck). */
  send(name, payload = {}) {
    const item = { name, payload: { ...payload, op_id: newOpId() }, disconnects: 0 };
    if (byteLength(item.payload) > MAX_MESSAGE_BYTES) {
      return Promise.resolve({ ok: false, error: { code: "too_long", message: t("too_long_to_send") } });
    }
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

  answer(item, ack) {
    const resolve = this.pending.get(item.payload.op_id);
    this.pending.delete(item.payload.op_id);
    if (resolve) resolve(ack);
    else if (ack.pending) return;
    else {
      this.onLateAck(item, ack);
      if (!ack.ok) this.onStatus("rejected", ack.error, item);
    }
  }

  emit(item, attempt = 0) {
    const opId = item.payload.op_id;
    clearTimeout(this.retryTimers.get(opId));
    this.inFlight.set(opId, item);
    this.socket.timeout(ACK_TIMEOUT_MS).emit(item.name, item.payload, (err, ack) => {
      if (!this.outbox().some((i) => i.payload.op_id === opId)) return; // answered already
      if (err) {
        // no answer in time: tell the page (its button comes back) and resend the same
        // op_id while connected, waiting longer each time
        this.answer(item, { ok: false, pending: true, error: { code: "timeout", message: t("waiting_to_send") } });
        const wait = Math.min(RESEND_MAX_MS, 2000 * 2 ** attempt);
        this.retryTimers.set(opId, setTimeout(() => {
          if (this.socket.connected && !this.syncing) this.emit(this.stored(opId) || item, attempt + 1);
        }, wait));
        return;
      }
      this.inFlight.delete(opId);
      this.saveOutbox(this.outbox().filter((i) => i.payload.op_id !== opId));
      this.answer(item, ack);
    });
  }

  stored(opId) {
    return this.outbox().find((i) => i.payload.op_id === opId);
  }

  lostConnection() {
    if (this.refused) return;
    // a change in flight when the connection drops, again and again, is one the server
    // cannot take (e.g. larger than it reads): give it up and say so
    const items = this.outbox();
    const dropped = [];
    for (const item of items) {
      if (!this.inFlight.has(item.payload.op_id)) continue;
      item.disconnects = (item.disconnects || 0) + 1;
      if (item.disconnects >= DROPPED_AFTER) dropped.push(item);
    }
    this.inFlight.clear();
    this.saveOutbox(items.filter((item) => !dropped.includes(item)));
    for (const item of dropped) {
      this.answer(item, { ok: false, error: { code: "dropped", message: t("change_dropped") } });
    }
    this.onStatus("reconnecting");
  }

  flushOutbox() {
    for (const item of this.outbox()) this.emit(item);
  }
}
