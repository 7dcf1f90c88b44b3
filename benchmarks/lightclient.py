"""A light Socket.IO client for the benchmarks: 1,000 phones from one Python process.

Engine.IO v4 over WebSocket only (no polling, no upgrade), Socket.IO v5 on the default
namespace, text frames only: what docs/protocol.md needs and nothing more. One asyncio
task per socket reads its frames; the server's pings are answered at once. Every event
is stamped with `time.perf_counter()` when its frame is read, so a latency needs no
polling. aiohttp also does the phones' HTTP (the real join form).

Talks to the base URL it is given; the benchmarks give it 127.0.0.1 only.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import re
import resource
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import aiohttp

_ids = itertools.count(1)


def raise_nofile() -> tuple[int, int]:
    """Raise this process's soft RLIMIT_NOFILE to its hard limit; returns (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def form_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (csrf_token, nonce)."""
    fields = {}
    for tag in re.findall(r"<input[^>]+>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def connector(limit: int = 0) -> aiohttp.TCPConnector:
    """One connector for many sessions: no per-host cap, no DNS (the base is an IP)."""
    return aiohttp.TCPConnector(limit=limit, limit_per_host=0, force_close=False)


class Browser:
    """One phone's (or facilitator's) cookies, over a shared connector."""

    def __init__(self, base: str, conn: aiohttp.TCPConnector):
        self.base = base
        self.jar = aiohttp.CookieJar(unsafe=True)  # unsafe: cookies from an IP address
        self.http = aiohttp.ClientSession(connector=conn, connector_owner=False,
                                          cookie_jar=self.jar,
                                          timeout=aiohttp.ClientTimeout(total=60))

    def cookie_header(self) -> str:
        return "; ".join(f"{c.key}={c.value}" for c in self.jar)

    async def post_form(self, path: str, data: dict) -> aiohttp.ClientResponse:
        async with self.http.get(self.base + path) as page:
            html = await page.text()
        async with self.http.post(self.base + path, data={**form_fields(html), **data},
                                  allow_redirects=False) as response:
            await response.read()
            return response

    async def close(self) -> None:
        await self.http.close()


async def join(base: str, conn: aiohttp.TCPConnector, code: str, name: str,
               profile: str = "Ministry", organisation: str = "Org") -> Browser:
    """A phone joins through the real form: GET (csrf_token, nonce), POST, a 302 to /w/<id>
    with the cookie fp_<workshop id>. The redirect is not followed (the page is not the
    object here)."""
    browser = Browser(base, conn)
    response = await browser.post_form(f"/j/{code}", {
        "name": name, "organisation": organisation, "profile": profile, "consent": "y"})
    if response.status != 302 or "/w/" not in response.headers.get("Location", ""):
        raise RuntimeError(f"join refused: HTTP {response.status}")
    return browser


async def join_many(base: str, conn: aiohttp.TCPConnector, code: str, n: int,
                    concurrency: int = 8, prefix: str = "Phone") -> list[Browser]:
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> Browser:
        async with sem:
            return await join(base, conn, code, f"{prefix} {i}")

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def sign_in(base: str, conn: aiohttp.TCPConnector, email: str,
                  password: str) -> Browser:
    browser = Browser(base, conn)
    response = await browser.post_form("/login", {"email": email, "password": password})
    if response.status != 302:
        raise RuntimeError(f"sign-in refused: HTTP {response.status}")
    return browser


class ConnectRefused(Exception):
    """The server answered the Socket.IO CONNECT with CONNECT_ERROR."""


class Closed(Exception):
    """The socket closed while a request was pending."""


@dataclass
class Event:
    t: float  # perf_counter when the frame was read
    seq: int
    type: str
    data: dict | None


@dataclass
class Socket:
    """One Socket.IO connection. `events` holds what the server pushed (data kept only
    for the types in `keep_data`); `pings` the times of the server's pings."""

    base: str
    cookie: str
    auth: dict
    keep_data: set[str] = field(default_factory=lambda: {"stage.changed"})
    on_event: Callable[["Socket", Event], None] | None = None
    name: str = ""
    events: list[Event] = field(default_factory=list)
    pings: list[float] = field(default_factory=list)
    ws: aiohttp.ClientWebSocketResponse | None = None
    eio_sid: str = ""
    ping_interval: float = 0.0
    connected_at: float = 0.0
    closed_at: float | None = None
    close_code: int | None = None
    close_reason: str = ""
    frames_in: int = 0
    bytes_in: int = 0

    def __post_init__(self):
        self._acks: dict[int, asyncio.Future] = {}
        self._ack_ids = itertools.count(1)
        self._connected: asyncio.Future | None = None
        self._reader: asyncio.Task | None = None
        self.late_acks = 0

    # --- connection --------------------------------------------------------------------

    async def connect(self, http: aiohttp.ClientSession, timeout: float = 30.0) -> "Socket":
        """Open the WebSocket, then the Socket.IO session; all within `timeout` seconds
        (TCP connect included: a server that does not accept() keeps a SYN waiting)."""
        url = self.base.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        start = time.perf_counter()
        self.ws = await asyncio.wait_for(http.ws_connect(
            url, headers={"Cookie": self.cookie},
            timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5),
            autoping=True, max_msg_size=0, compress=0), timeout)
        timeout = max(0.1, timeout - (time.perf_counter() - start))
        loop = asyncio.get_running_loop()
        self._connected = loop.create_future()
        self._reader = asyncio.create_task(self._read())
        try:
            await asyncio.wait_for(asyncio.shield(self._connected), timeout)
        except BaseException:
            await self.close()
            raise
        self.connected_at = time.perf_counter()
        return self

    @property
    def connected(self) -> bool:
        return self.ws is not None and self.closed_at is None and bool(
            self._connected and self._connected.done() and not self._connected.exception())

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str("41")
            except Exception:
                pass
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except BaseException:
                pass

    # --- requests ----------------------------------------------------------------------

    async def emit(self, name: str, payload: Any) -> None:
        await self.ws.send_str("42" + json.dumps([name, payload], separators=(",", ":")))

    async def call(self, name: str, payload: Any, timeout: float = 15.0) -> Any:
        """Emit with an ack id and wait for the ack. On timeout the ack id is forgotten
        (a late ack is counted in `late_acks` and dropped), as socket.io-client does."""
        ack_id = next(self._ack_ids)
        future = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        try:
            await self.ws.send_str(f"42{ack_id}" + json.dumps([name, payload],
                                                              separators=(",", ":")))
            return await asyncio.wait_for(future, timeout)
        finally:
            self._acks.pop(ack_id, None)

    async def op(self, name: str, payload: dict | None = None, timeout: float = 15.0) -> Any:
        """An operation: the payload with a fresh op_id."""
        return await self.call(name, {**(payload or {}), "op_id": uuid.uuid4().hex},
                               timeout=timeout)

    # --- frames ------------------------------------------------------------------------

    async def _read(self) -> None:
        ws = self.ws
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    self.frames_in += 1
                    self.bytes_in += len(msg.data)
                    await self._packet(msg.data)
                elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING,
                                  aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
        except asyncio.CancelledError:
            pass
        except Exception as error:  # noqa: BLE001 - recorded, the benchmark reports it
            self.close_reason = f"{type(error).__name__}: {error}"
        finally:
            if self.closed_at is None:
                self.closed_at = time.perf_counter()
                self.close_code = ws.close_code
                if not self.close_reason:
                    self.close_reason = f"websocket closed ({ws.close_code})"
            error = Closed(self.close_reason)
            # (the waiter may have given up already: mark the exception as seen)
            if self._connected is not None and not self._connected.done():
                self._connected.set_exception(error)
                self._connected.exception()
            for future in self._acks.values():
                if not future.done():
                    future.set_exception(error)
                    future.exception()

    async def _packet(self, data: str) -> None:
        kind = data[0]
        if kind == "2":  # Engine.IO ping: answer at once
            self.pings.append(time.perf_counter())
            await self.ws.send_str("3")
        elif kind == "4":
            self._socketio(data[1:])
        elif kind == "0":  # Engine.IO open: then Socket.IO CONNECT with the auth payload
            info = json.loads(data[1:])
            self.eio_sid, self.ping_interval = info["sid"], info["pingInterval"] / 1000
            await self.ws.send_str("40" + json.dumps(self.auth, separators=(",", ":")))
        elif kind == "1":
            self.close_reason = "engine.io close packet"
            await self.ws.close()

    def _socketio(self, packet: str) -> None:
        kind, rest = packet[0], packet[1:]
        if rest.startswith("/"):  # a namespace other than "/": not used here
            rest = rest.split(",", 1)[1]
        digits = 0
        while digits < len(rest) and rest[digits].isdigit():
            digits += 1
        ack_id, body = (int(rest[:digits]) if digits else None), rest[digits:]
        if kind == "2":
            args = json.loads(body)
            if args and args[0] == "event":
                event = args[1]
                keep = event.get("type") in self.keep_data
                record = Event(time.perf_counter(), event.get("seq", 0), event.get("type"),
                               event.get("data") if keep else None)
                self.events.append(record)
                if self.on_event:
                    self.on_event(self, record)
        elif kind == "3":
            future = self._acks.get(ack_id)
            if future is None or future.done():
                self.late_acks += 1
                return
            args = json.loads(body)
            future.set_result(args[0] if len(args) == 1 else args)
        elif kind == "0":
            if not self._connected.done():
                self._connected.set_result(True)
        elif kind == "4":
            error = json.loads(body) if body else {}
            if not self._connected.done():
                self._connected.set_exception(ConnectRefused(error))
        elif kind == "1":
            self.close_reason = "socket.io disconnect packet"


def new_socket(base: str, browser: Browser, workshop: int, view: str = "phone",
               **kw) -> Socket:
    return Socket(base=base, cookie=browser.cookie_header(),
                  auth={"workshop": workshop, "view": view}, **kw)


async def connect_many(sockets: list[Socket], http: aiohttp.ClientSession,
                       concurrency: int = 50, timeout: float = 30.0) -> list[BaseException]:
    """Connect sockets, `concurrency` at a time; returns the errors (empty: all in)."""
    sem = asyncio.Semaphore(concurrency)
    errors: list[BaseException] = []

    async def one(sock: Socket) -> None:
        async with sem:
            try:
                await sock.connect(http, timeout)
            except BaseException as error:  # noqa: BLE001
                errors.append(error)

    await asyncio.gather(*(one(s) for s in sockets))
    return errors


async def close_all(sockets: list[Socket]) -> None:
    await asyncio.gather(*(s.close() for s in sockets), return_exceptions=True)


# --- the server process, read from /proc -------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    import os
    from pathlib import Path

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    from pathlib import Path

    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_fds(pid: int) -> int:
    import os

    return len(os.listdir(f"/proc/{pid}/fd"))


def load_average() -> str:
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())
