"""The yardstick for benchmarks/card_cpu.py: a bare Flask-SocketIO server (eventlet) that
does for a card only what cannot be avoided, so the app's cost per card can be compared
with it in the same run.

    PORT=5099 DATABASE=/tmp/bare.sqlite python benchmarks/bare_server.py

- the same Socket.IO settings as the app (ping 10 s / 20 s, 64 KiB buffer, eventlet with
  the same connection pool size);
- `connect` with auth {workshop, view, participant}: the socket joins the room `w<id>`;
- `idea.post {op_id, text, kind, origin}`: checks the text, INSERTs one row with the same
  columns as the app's `idea` table (stdlib sqlite3, WAL, foreign_keys, busy_timeout as
  the app sets them), commits, broadcasts the card as an `event` to the room, and acks
  `{ok, idea}`;
- `sync {since}` (for benchmarks/ack_order.py): burns BARE_SYNC_CPU_MS of CPU (default
  10, about what the app spends on one phone's snapshot) and acks a snapshot-sized blob of
  BARE_SYNC_KIB KiB (default 200); with BARE_SYNC_GATE=1 the handlers take turns through
  one eventlet semaphore; with BARE_SYNC_YIELD=1 each first calls `eventlet.sleep(0)`
  (what main's 4a7f3bc does in the app's `sync`); with BARE_SYNC_LOG=1 it prints `END <time.time()>` as each
  handler returns;
- `GET /healthz`.

Listens on 127.0.0.1 only.
"""
import os
import warnings

warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
import eventlet  # noqa: E402
import eventlet.semaphore  # noqa: E402

eventlet.monkey_patch()

import datetime  # noqa: E402
import json  # noqa: E402
import sqlite3  # noqa: E402

from flask import Flask, session  # noqa: E402
from flask_socketio import ConnectionRefusedError, SocketIO, join_room  # noqa: E402

SCHEMA = """
CREATE TABLE IF NOT EXISTS idea (
    id INTEGER NOT NULL PRIMARY KEY,
    workshop_id INTEGER NOT NULL,
    participant_id INTEGER,
    text VARCHAR(500) NOT NULL,
    kind VARCHAR(20) NOT NULL,
    origin VARCHAR(80) NOT NULL,
    hidden BOOLEAN NOT NULL,
    withdrawn BOOLEAN NOT NULL,
    merged_into_id INTEGER REFERENCES idea (id) ON DELETE SET NULL,
    extra_authors JSON NOT NULL,
    merged_texts JSON NOT NULL,
    theme_id INTEGER,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_idea_workshop_id ON idea (workshop_id);
"""

app = Flask(__name__)
app.config["SECRET_KEY"] = "bare"
socketio = SocketIO(app, async_mode="eventlet", ping_interval=10, ping_timeout=20,
                    max_http_buffer_size=64 * 1024)
db = sqlite3.connect(os.environ.get("DATABASE", "bare.sqlite"), check_same_thread=False)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA foreign_keys=ON")
db.execute("PRAGMA busy_timeout=5000")
db.executescript(SCHEMA)
seq = {"last": 0}


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat(timespec="microseconds") + "Z"


@app.get("/healthz")
def healthz():
    db.execute("SELECT 1")
    return {"ok": True}


@socketio.on("connect")
def on_connect(auth=None):
    if not isinstance(auth, dict) or not isinstance(auth.get("workshop"), int):
        raise ConnectionRefusedError("bad request")
    session["workshop"] = auth["workshop"]
    session["participant"] = int(auth.get("participant") or 0)
    join_room(f"w{auth['workshop']}")


@socketio.on("idea.post")
def on_idea_post(payload=None):
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        return {"ok": False, "error": {"code": "bad_request"}}
    text = " ".join(payload["text"].split())
    if not text or len(text) > 500:
        return {"ok": False, "error": {"code": "too_long" if text else "empty_text"}}
    workshop, participant = session["workshop"], session["participant"]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    kind = payload.get("kind") or "idea"
    origin = (payload.get("origin") or "")[:80]
    cursor = db.execute(
        "INSERT INTO idea (workshop_id, participant_id, text, kind, origin, hidden, "
        "withdrawn, merged_into_id, extra_authors, merged_texts, theme_id, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, 0, 0, NULL, ?, ?, NULL, ?, ?)",
        (workshop, participant, text, kind, origin, json.dumps([]), json.dumps([]), now,
         now))
    db.commit()
    seq["last"] += 1
    card = {"id": cursor.lastrowid, "text": text, "kind": kind, "origin": origin,
            "merged_texts": [], "theme_id": None, "hidden": False, "created_at": iso(now),
            "updated_at": iso(now),
            "authors": [{"id": participant, "name": f"Phone {participant}"}]}
    socketio.emit("event", {"seq": seq["last"], "type": "idea.posted",
                            "data": {"idea": card}}, to=f"w{workshop}")
    return {"ok": True, "idea": {**card, "mine": True}}


SYNC_CPU = float(os.environ.get("BARE_SYNC_CPU_MS", "10")) / 1000
SYNC_BLOB = "x" * (int(os.environ.get("BARE_SYNC_KIB", "200")) * 1024)
SYNC_LOG = os.environ.get("BARE_SYNC_LOG") == "1"
SYNC_YIELD = os.environ.get("BARE_SYNC_YIELD") == "1"
SYNC_GATE = eventlet.semaphore.Semaphore(1) if os.environ.get("BARE_SYNC_GATE") == "1" else None


@socketio.on("sync")
def on_sync(payload=None):
    import time

    def build():
        end = time.process_time() + SYNC_CPU
        while time.process_time() < end:
            pass
        return {"ok": True, "snapshot": {"seq": seq["last"], "blob": SYNC_BLOB}}

    if SYNC_YIELD:
        eventlet.sleep(0)
    if SYNC_GATE is None:
        result = build()
    else:
        with SYNC_GATE:
            result = build()
    if SYNC_LOG:
        print("END", time.time(), flush=True)
    return result


if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "5099")),
                 debug=False, use_reloader=False, log_output=False, max_size=5000)
