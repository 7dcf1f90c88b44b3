"""The action plan's PDF, rendered outside the server and kept in the database.

WeasyPrint takes a second or more of CPU and never yields to eventlet: run in the server,
it would freeze every live room for that long. So a request only asks for a render, and
a separate process (`python -m facilitator.plan.render`, started with eventlet's green
subprocess) does it; the page polls the state.

Every version is a row of the workshop's own database (models.PlanFile): the workshop,
its last event's seq (any change to the room makes a new version), the language and the
edition, queued, rendering, ready (with the PDF's bytes) or failed (with the reason).
So every server process, on whatever machine, serves a PDF another one rendered. The
rows go with their workshop (CASCADE) and their database (a restored database brings back
its own): a workshop made again under the same id never gets another's plan, so the
workshop's id is key enough (a cache on disk, outside the database, needed the
workshop's creation time too).

Bounds, whoever asks, through whatever process on whatever machine, however fast the
room moves; the database keeps them (partial unique indexes over the rows under way):
- one render at a time per plan (workshop, language, edition). A queued render renders
  the room as it is when its process starts, so it serves every seq asked for meanwhile;
  a request while one renders reuses it (ask again once it is ready);
- at most RENDER_SLOTS render processes alive at once: a request takes a free render
  place (its row under way holds slot n) before it starts a process, which gives it
  back in its last write and exits at once. With no place free nothing starts and
  nothing waits: the answer is "busy", try again shortly (the pages reload themselves).
  No process ever waits in a loop.

A render process that died is noticed: at once by the server process that started it,
which reaps its child; otherwise (its machine died) by its lease: the render process
refreshes its row's heartbeat every HEARTBEAT_SECONDS from a thread, and a row under way
with none for LEASE_SECONDS is said failed and its place freed by whoever looks next. A
render process that finds its place taken back stops at once, so a place is never held
twice. Times are the database's clock (database_now): machines whose clocks differ still
agree on a lease.

Plan rows are a cache, not room events: they are written in short transactions of their
own (never the caller's session, never under the workshop's row lock), and read with a
few short statements.
"""
from __future__ import annotations

import gc
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from flask import Flask, current_app
from sqlalchemy import Float, and_, delete, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import DateTime

from config import BASE_DIR

from .. import create_app
from ..extensions import db, socketio
from ..models import PlanFile, Workshop
from . import pdf
from .content import EDITIONS, LANGUAGES, gather

STATES = ("none", "queued", "rendering", "ready", "failed")  # "busy": ask_render only
UNDER_WAY = ("queued", "rendering")  # a row in these holds its plan and a render place
RENDER_SLOTS = 2  # render processes alive at once, whatever process started them
RENDER_NICE = 10  # renders give way to the live server (a broadcast waits for a core)
HEARTBEAT_SECONDS = 5  # how often a render process says it is alive
LEASE_SECONDS = 30  # a render under way not heard of for this long is taken for dead
PLACE_ENV = "PLAN_RENDER_TOKEN"  # the render place handed to the render process
STOPPED = "The render process stopped before it finished."
LOST = 4  # the exit code of a render process whose place was taken back


# --- the database's clock ----------------------------------------------------------------

class _DatabaseNow(FunctionElement):
    type = DateTime()
    inherit_cache = True


def database_now(seconds: float = 0) -> _DatabaseNow:
    """The database's clock, `seconds` from now, as a naive UTC time like every stored
    time: every process on every machine reads the same clock, so they agree on when a
    lease runs out."""
    return _DatabaseNow(literal(float(seconds), Float()))


@compiles(_DatabaseNow, "sqlite")
def _sqlite_now(element, compiler, **kw) -> str:
    offset = compiler.process(element.clauses, **kw)
    return f"strftime('%Y-%m-%d %H:%M:%f', 'now', {offset} || ' seconds')"


@compiles(_DatabaseNow, "postgresql")
def _postgresql_now(element, compiler, **kw) -> str:
    offset = compiler.process(element.clauses, **kw)
    return (f"((statement_timestamp() AT TIME ZONE 'UTC') "
            f"+ make_interval(secs => {offset}))")


def _epoch(moment: datetime | None) -> float | None:
    return moment.replace(tzinfo=timezone.utc).timestamp() if moment else None


# --- keys and states -----------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    """A version of a plan: the workshop, its last event's seq, the language, the
    edition. The workshop's id is enough: its plans live in its database and go with
    it."""

    workshop_id: int
    seq: int
    language: str
    edition: str

    @property
    def name(self) -> str:
        return f"w{self.workshop_id}-s{self.seq}-{self.language}-{self.edition}"

    def args(self) -> list[str]:
        return [str(self.workshop_id), str(self.seq), self.language, self.edition]

    def at(self, seq: int) -> "Key":
        return Key(self.workshop_id, seq, self.language, self.edition)


def key_for(workshop: Workshop, language: str | None = None,
            edition: str = "public") -> Key:
    """The key of this workshop's plan as the room is now."""
    language = language or workshop.language
    if language not in LANGUAGES or edition not in EDITIONS:
        raise ValueError(f"no plan in {language!r}, edition {edition!r}")
    return Key(workshop.id, workshop.last_seq, language, edition)


def _of_plan(key: Key):
    """This plan's rows, whatever their seq."""
    return and_(PlanFile.workshop_id == key.workshop_id, PlanFile.language == key.language,
                PlanFile.edition == key.edition)


_UNDER_WAY = PlanFile.state.in_(UNDER_WAY)
_EXPIRED = PlanFile.heartbeat_at < database_now(-LEASE_SECONDS)


def _held(key: Key, token: str):
    """The row under way of the render `token` names."""
    return and_(_of_plan(key), PlanFile.token == token, _UNDER_WAY)


def _write(statement) -> int:
    """One short transaction on a connection of its own, so the caller's session (a
    view's reads) is never committed nor broken. Returns the number of rows changed."""
    with db.engine.begin() as connection:
        return connection.execute(statement).rowcount


def _take_back(row_id: int) -> bool:
    """A render under way whose lease ran out, taken for dead: said failed, its place
    freed. False when its heartbeat came in meanwhile (or it ended)."""
    return bool(_write(update(PlanFile).where(PlanFile.id == row_id, _UNDER_WAY, _EXPIRED)
                       .values(state="failed", slot=None, reason=STOPPED,
                               rendered_at=database_now())))


def _end(key: Key, token: str, reason: str) -> bool:
    """The render `token` names failed: say why, give its place back."""
    return bool(_write(update(PlanFile).where(_held(key, token)).values(
        state="failed", slot=None, reason=reason[:1000], rendered_at=database_now())))


def status(key: Key) -> dict:
    """{state, key, ...}: ready (with size and rendered_at), queued or rendering (with
    since; `of_seq` when what renders is an earlier state than the key's: ask again once
    it is done), failed (with reason), or none (never asked). A render under way whose
    lease ran out is said failed here (one statement more, only then)."""
    answer = {"key": key.name, "seq": key.seq, "language": key.language,
              "edition": key.edition}
    rows = db.session.execute(
        select(PlanFile.id, PlanFile.seq, PlanFile.state, PlanFile.reason, PlanFile.size,
               PlanFile.requested_at, PlanFile.started_at, PlanFile.rendered_at,
               _EXPIRED.label("expired"))
        .where(_of_plan(key), or_(PlanFile.seq == key.seq, _UNDER_WAY))).all()
    found = {row.state: row for row in rows}  # at most one under way: one per plan
    if "ready" in found:
        ready = found["ready"]
        return {**answer, "state": "ready", "size": ready.size,
                "rendered_at": _epoch(ready.rendered_at)}
    under_way = found.get("queued") or found.get("rendering")
    if under_way is not None:
        if not (under_way.expired and _take_back(under_way.id)):
            state = {**answer, "state": under_way.state,
                     "since": _epoch(under_way.started_at or under_way.requested_at)}
            if under_way.state == "rendering" and under_way.seq < key.seq:
                state["of_seq"] = under_way.seq
            return state
        if under_way.seq == key.seq:
            return {**answer, "state": "failed", "reason": STOPPED, "at": time.time()}
    if "failed" in found:
        failed = found["failed"]
        return {**answer, "state": "failed", "reason": failed.reason or "The render failed.",
                "at": _epoch(failed.rendered_at)}
    return {**answer, "state": "none"}


def _free_places() -> list[int]:
    """The render places no render under way holds (a lease that ran out is taken back
    first)."""
    held = db.session.execute(select(PlanFile.id, PlanFile.slot, _EXPIRED.label("expired"))
                              .where(_UNDER_WAY)).all()
    taken = {row.slot for row in held if not (row.expired and _take_back(row.id))}
    return [slot for slot in range(RENDER_SLOTS) if slot not in taken]


def _settled(state: dict, retry: bool) -> bool:
    """Nothing to start: ready, under way, or failed and not to be tried again."""
    return state["state"] in ("ready", "queued", "rendering") or (
        state["state"] == "failed" and not retry)


def _take_place(key: Key, slot: int, again: bool) -> str | None:
    """Write this key's render under way, holding render place `slot` (its failed row
    again, when tried again): its token, or None when the database refused it (this
    plan, or this place, was taken by another process a moment ago)."""
    token = secrets.token_hex(8)
    under_way = dict(state="queued", slot=slot, token=token, reason="", process="",
                     requested_at=database_now(), heartbeat_at=database_now(),
                     started_at=None, rendered_at=None)
    try:
        if again:
            taken = _write(update(PlanFile).where(
                _of_plan(key), PlanFile.seq == key.seq, PlanFile.state == "failed")
                .values(**under_way))
        else:
            taken = _write(insert(PlanFile).values(
                workshop_id=key.workshop_id, language=key.language, edition=key.edition,
                seq=key.seq, **under_way))
    except IntegrityError:
        return None
    return token if taken else None


def ask_render(key: Key, *, retry: bool = False, spawn=None) -> dict:
    """Make sure this key's PDF is ready or being made, and say its state, within the
    bounds (see the module's doc): "busy" when every render place is taken, and nothing
    started or left waiting. A failed render is tried again only with retry=True (a
    facilitator or organiser asked). spawn(key, token) starts the render process handed
    the place `token` names (start_process unless given)."""
    current = status(key)
    if _settled(current, retry):
        return current
    token = None
    for slot in _free_places():
        token = _take_place(key, slot, again=current["state"] == "failed")
        if token is not None:
            break
        current = status(key)  # another process asked for this plan, or took the place
        if _settled(current, retry):
            return current
    if token is None:
        return {**current, "state": "busy"}
    try:
        (spawn or start_process)(key, token)
    except Exception as exc:  # noqa: BLE001 (said as a failed render, not a 500)
        current_app.logger.exception("action plan: could not start the render")
        _end(key, token, f"The render could not start: {exc}")
    return status(key)


def ready_pdf(key: Key) -> bytes | None:
    """The PDF of exactly this version, if it is ready."""
    return db.session.scalar(select(PlanFile.pdf).where(
        _of_plan(key), PlanFile.seq == key.seq, PlanFile.state == "ready"))


def latest_ready(key: Key) -> tuple[Key, float] | None:
    """The newest public version ready of this key's workshop and language, whatever its
    seq (an earlier one, while the room goes on), and when it was rendered. None for the
    internal edition: only the room as it is now makes one, as an earlier one may hold
    the email of someone who has left the committee since (forget_older deletes them)."""
    if key.edition != "public":
        return None
    row = db.session.execute(
        select(PlanFile.seq, PlanFile.rendered_at)
        .where(_of_plan(key), PlanFile.state == "ready")
        .order_by(PlanFile.seq.desc()).limit(1)).first()
    return (key.at(row.seq), _epoch(row.rendered_at)) if row else None


def _older(key: Key):
    """This plan's versions older than the key, done (a render under way finishes)."""
    return and_(_of_plan(key), PlanFile.seq < key.seq,
                PlanFile.state.in_(("ready", "failed")))


def forget_older(key: Key) -> None:
    """Delete this plan's versions older than the key. Looked for first: there is
    seldom any, and on SQLite a DELETE takes the database's write lock even when it
    deletes nothing."""
    older = db.session.scalars(select(PlanFile.id).where(_older(key))).all()
    if older:
        _write(delete(PlanFile).where(PlanFile.id.in_(older)))


# --- starting the render process --------------------------------------------------------

def process_command(app: Flask, key: Key, token: str) -> tuple[list[str], dict[str, str]]:
    """The render process's command line and environment: this app's database and
    instance, and the render place it is handed."""
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if database.startswith("sqlite") and (":memory:" in database or database == "sqlite://"):
        raise RuntimeError("an in-memory database is not visible to another process")
    env = {**os.environ, "DATABASE_URL": database, "FACILITATOR_INSTANCE": app.instance_path,
           PLACE_ENV: token}
    env.setdefault("FACILITATOR_CONFIG", "venue")
    return [sys.executable, "-m", "facilitator.plan.render", *key.args()], env


def start_process(key: Key, token: str) -> subprocess.Popen:
    """Start the render process (process_command), its output kept in a temporary file
    for the reason should it fail, reaped by a background task (a green thread under
    eventlet). Returns the process."""
    popen = subprocess.Popen
    if socketio.async_mode == "eventlet":
        from eventlet.green import subprocess as green

        popen = green.Popen
    app = current_app._get_current_object()
    command, env = process_command(app, key, token)
    log = tempfile.TemporaryFile()
    try:
        process = popen(command, cwd=str(BASE_DIR), env=env, stdin=subprocess.DEVNULL,
                        stdout=log, stderr=log, start_new_session=True)
    except BaseException:
        log.close()
        raise
    socketio.start_background_task(_reap, app, process, key, token, log)
    return process


def _reap(app: Flask, process, key: Key, token: str, log) -> None:
    """Wait for the render process (so it leaves no zombie). If it failed, its output
    goes to the server's log, and if it died holding its place (killed, or it stopped
    before it could say why), the place is freed and the render said failed."""
    code = process.wait()
    if code == 0:
        log.close()
        return
    with log:
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace").strip()
    last = output.splitlines()[-1][:300] if output else ""
    with app.app_context():
        app.logger.warning("action plan: the render process of %s ended with code %s:\n%s",
                           key.name, code, output[-4000:])
        _end(key, token, f"The render process ended with code {code}. {last}".strip())


# --- in the render process --------------------------------------------------------------

def keep_place(key: Key, token: str) -> bool:
    """One heartbeat of the render `token` names: False when its place was taken back
    (taken for dead) or it is no longer under way."""
    return bool(_write(update(PlanFile).where(_held(key, token))
                       .values(heartbeat_at=database_now())))


class Lease:
    """A render process's hold on its place: a thread calls keep_place every
    HEARTBEAT_SECONDS while the PDF is made. When the place was taken back, or no
    heartbeat got through for nearly a lease (the database out of reach: it will be
    taken for dead), `lost()` is called from the thread: the render process stops at
    once, so a place given to another render is never held twice."""

    def __init__(self, lost: Callable[[], None]):
        self.lost = lost
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, key: Key, token: str) -> None:
        app = current_app._get_current_object()
        self._thread = threading.Thread(target=self._beat, args=(app, key, token),
                                        name="plan-render-lease", daemon=True)
        self._thread.start()

    def _beat(self, app: Flask, key: Key, token: str) -> None:
        heard = time.monotonic()
        with app.app_context():
            while not self._stopped.wait(HEARTBEAT_SECONDS):
                try:
                    held = keep_place(key, token)
                except SQLAlchemyError:
                    held = None
                if held:
                    heard = time.monotonic()
                elif held is False or \
                        time.monotonic() - heard > LEASE_SECONDS - HEARTBEAT_SECONDS:
                    self.lost()
                    return

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()


def render(key: Key, token: str, *, lease: Lease | None = None) -> bool:
    """Render the plan whose place `token` names (in the render process, inside an app
    context): the room as it is now, at the seq it reads (at least the key's). Writes
    the PDF ready, or the failure, and gives the place back in one transaction, which
    also deletes the plan's earlier versions. `lease` (the render process's) keeps the
    place while the PDF is made. False when there was no place to render in (taken back
    as dead before it started, or the workshop is gone) or the render failed. Its
    workshop deleted meanwhile, every write finds no row: nothing is inserted, and the
    process ends quietly (`dropped`)."""
    workshop = db.session.get(Workshop, key.workshop_id, populate_existing=True)
    now = key.at(max(workshop.last_seq, key.seq)) if workshop is not None else key
    with db.engine.begin() as connection:
        if not connection.execute(update(PlanFile).where(_held(key, token)).values(
                heartbeat_at=database_now(),
                process=f"{socket.gethostname()}:{os.getpid()}"[:120])).rowcount:
            return False
        # a failure of the state it renders is replaced by this render
        connection.execute(delete(PlanFile).where(
            _of_plan(key), PlanFile.seq == now.seq, PlanFile.state == "failed"))
        if connection.scalar(select(PlanFile.id).where(
                _of_plan(key), PlanFile.seq == now.seq, PlanFile.state == "ready")):
            connection.execute(delete(PlanFile).where(_held(key, token)))
            return True  # this state was rendered already
        connection.execute(update(PlanFile).where(_held(key, token)).values(
            state="rendering", seq=now.seq, started_at=database_now()))
    if lease is not None:
        lease.start(key, token)
    try:
        content = pdf.plan_pdf(gather(now.workshop_id, language=now.language,
                                         edition=now.edition))
    except Exception as exc:  # noqa: BLE001 (the reason goes to the page)
        if dropped(key, token):  # its workshop deleted meanwhile: nothing failed
            return False
        current_app.logger.exception("action plan: render of %s failed", now.name)
        _end(key, token, f"{exc.__class__.__name__}: {exc}"[:500])
        return False
    finally:
        if lease is not None:
            lease.stop()
    with db.engine.begin() as connection:
        done = connection.execute(update(PlanFile).where(_held(key, token)).values(
            state="ready", slot=None, reason="", pdf=content, size=len(content),
            rendered_at=database_now())).rowcount
        if done:
            connection.execute(delete(PlanFile).where(_older(now)))
    return bool(done)


def dropped(key: Key, token: str) -> bool:
    """The render `token` names has no row any more: deleted with its workshop (or with
    the internal editions, when a committee member left), or its failed row handed to
    another render. Its result is dropped quietly: nothing is written, nothing failed."""
    try:
        with db.engine.connect() as connection:
            return connection.scalar(select(PlanFile.id).where(
                _of_plan(key), PlanFile.token == token)) is None
    except SQLAlchemyError:
        return False


def yield_to_the_room() -> None:
    """A render runs at a lower priority than the live server. The process is in a
    session (and, on Linux, a scheduling autogroup) of its own, where nice alone has no
    effect: the autogroup is niced too, when the kernel has one."""
    try:
        os.nice(RENDER_NICE)
    except OSError:
        pass
    try:
        with open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write(str(RENDER_NICE))
    except OSError:
        pass


def _stop_now() -> None:
    """The lease is lost: stop at once (the place may be another render's already)."""
    print(f"{STOPPED} Its render place was taken back: no heartbeat got through for "
          f"{LEASE_SECONDS} s.", file=sys.stderr, flush=True)
    os._exit(LOST)


def main(argv: list[str]) -> int:
    """python -m facilitator.plan.render WORKSHOP_ID SEQ LANGUAGE EDITION

    Started by the server, it is handed the render place its request took (the token in
    PLAN_RENDER_TOKEN); run by hand, it asks for one as a request does, or says why
    not (all taken, or the plan ready or being rendered already)."""
    if len(argv) != 4:
        print(main.__doc__, file=sys.stderr)
        return 2
    key = Key(int(argv[0]), int(argv[1]), argv[2], argv[3])
    yield_to_the_room()
    app = create_app(os.environ.get("FACILITATOR_CONFIG", "venue"))
    # the app's objects live as long as the process: the collector need not walk them
    # again and again while WeasyPrint builds its boxes (1.2–1.5 s of a large plan's 6 s,
    # docs/performance.md "Action-plan PDF")
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    with app.app_context():
        token = os.environ.get(PLACE_ENV)
        if not token:
            handed: list[str] = []
            state = ask_render(key, retry=True, spawn=lambda _key, token: handed.append(token))
            if not handed:
                print(f"Nothing rendered: the plan is {state['state']}"
                      + (f" (all {RENDER_SLOTS} render places are taken: try again "
                         "shortly)." if state["state"] == "busy" else "."), file=sys.stderr)
                return 0 if state["state"] == "ready" else 3
            token = handed[0]
        done = render(key, token, lease=Lease(_stop_now)) or dropped(key, token)
        db.session.remove()
        db.engine.dispose()  # closed, not dropped: the process ends with os._exit
    return 0 if done else 1


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # at once: the place was given back in the last write
