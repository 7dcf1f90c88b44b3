"""Real clients for the live server: a browser-like HTTP session and Socket.IO sockets,
and a room on a served app (`LiveRoom`) that opens them."""
from __future__ import annotations

import re
import threading
import time
import uuid

import requests
import socketio


def form_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (csrf_token, nonce)."""
    fields = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


class Http:
    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def get(self, path: str, **kw):
        return self.session.get(self.base + path, timeout=20, **kw)

    def post_form(self, path: str, data: dict, form_path: str | None = None, **kw):
        page = self.get(form_path or path)
        return self.session.post(self.base + path, data={**form_fields(page.text), **data},
                                 timeout=20, **kw)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)


def sign_in(base: str, email: str, password: str) -> Http:
    http = Http(base)
    response = http.post_form("/login", {"email": email, "password": password})
    assert response.url.endswith("/workshops/"), response.text[:500]
    return http


def join(base: str, code: str, name: str, profile: str, organisation: str = "Org") -> Http:
    http = Http(base)
    response = http.post_form(f"/j/{code}", {"name": name, "organisation": organisation,
                                              "profile": profile, "consent": "y"})
    assert "/w/" in response.url, response.text[:500]
    return http


class Live:
    """A Socket.IO client that records every event it receives. `follows_resync=False`
    makes one that ignores the server's `resync` (a client the server must not trust)."""

    def __init__(self, base: str, http: Http, workshop: int, view: str,
                 follows_resync: bool = True):
        self.events: list[dict] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("event", self._on_event)
        self.disconnected = threading.Event()  # set when the socket closes, whoever closed it
        self.client.on("disconnect", lambda *_: self.disconnected.set())
        # like live.js: the server says `resync` when this socket's rights or rooms change
        self.resyncs: list[dict] = []
        if follows_resync:
            self.client.on("resync", lambda *_: threading.Thread(target=self._resync,
                                                                 daemon=True).start())
        self.base, self.http, self.workshop, self.view = base, http, workshop, view
        self.scope = None  # from the last snapshot: sync sends it back, as live.js does

    def _on_event(self, event):
        with self.lock:
            self.events.append(event)

    def _resync(self):
        if self.client.connected:
            try:
                self.resyncs.append(self.call("sync", {"since": 0}))
            except socketio.exceptions.SocketIOError:
                pass  # disconnected meanwhile: the next connect syncs anyway

    def connect(self):
        self.client.connect(self.base, headers={"Cookie": self.http.cookie_header()},
                            auth={"workshop": self.workshop, "view": self.view},
                            transports=["websocket"], wait_timeout=10)
        return self

    def disconnect(self):
        if self.client.connected:
            self.client.disconnect()

    def call(self, name: str, payload: dict | None = None, op_id: str | None = None) -> dict:
        payload = dict(payload or {})
        if name == "sync":
            payload.setdefault("scope", self.scope)
        else:
            payload.setdefault("op_id", op_id or uuid.uuid4().hex)
        ack = self.client.call(name, payload, timeout=15)
        if name == "sync" and isinstance(ack, dict) and "snapshot" in ack:
            self.scope = ack["snapshot"].get("scope")
        return ack

    def wait_for(self, predicate, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for event in self.events:
                    if predicate(event):
                        return event
            time.sleep(0.05)
        raise AssertionError(f"no matching event; got {[e['type'] for e in self.events]}")

    def types(self) -> list[str]:
        with self.lock:
            return [e["type"] for e in self.events]


# --- helpers added for the Steps 1-2 tests (the ones above are unchanged) ----------------

def snapshot(live: Live) -> dict:
    """The room as this client may see it now: a `sync` from 0."""
    ack = live.call("sync", {"since": 0})
    assert ack["ok"] and "snapshot" in ack, ack
    return ack["snapshot"]


def events_of(live: Live, *types: str) -> list[dict]:
    """The events of these types this client has received so far, in arrival order."""
    with live.lock:
        return [event for event in live.events if event["type"] in types]


class LiveRoom:
    """The sample seminar on a served app (the live server, the cluster) filled up to
    `until` (`flask sample --until`), its join code, and the clients a test opens on it:
    consoles, projectors and phones, all closed by `close`."""

    def __init__(self, served, until: str = "welcome", email: str | None = None,
                 password: str = "room-password", name: str | None = None):
        """email, password: the facilitator's (a new account unless it exists); name:
        theirs, when it matters (a command more)."""
        self.base = served.url
        self.email = email or f"room-{uuid.uuid4().hex[:12]}@example.org"
        self.password = password
        self.owner = (self.email, password)
        self.id, self.code = served.sample(self.email, password, name, until=until)
        self.clients: list[Live] = []

    def open(self, http: Http, view: str, follows_resync: bool = True) -> Live:
        live = Live(self.base, http, self.id, view, follows_resync=follows_resync).connect()
        self.clients.append(live)
        return live

    def console(self, who: tuple[str, str] | None = None,
                follows_resync: bool = True) -> Live:
        """A console of the owner, or of `who` (email, password), signed in afresh."""
        return self.open(sign_in(self.base, *(who or self.owner)), "console", follows_resync)

    def projector(self, follows_resync: bool = True) -> Live:
        return self.open(sign_in(self.base, *self.owner), "projector", follows_resync)

    def phone(self, name: str, profile: str = "Ministry") -> Live:
        """A new participant, joined through the real form, and their phone's socket."""
        return self.open(join(self.base, self.code, name, profile), "phone")

    def close(self) -> None:
        for client in self.clients:
            client.disconnect()
