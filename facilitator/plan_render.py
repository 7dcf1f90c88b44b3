"""The action plan's PDF, rendered outside the server and cached on disk.

WeasyPrint takes a second or more of CPU and never yields to eventlet: run in the server,
it would freeze every live room for that long. So a request only asks for a render, and
a separate process (`python -m facilitator.plan_render`, started with eventlet's green
subprocess) does it; the page polls the state.

The cache lives under the instance folder (`instance/plans/`), where every server
process of the same install finds it. A PDF's key is the workshop (its id and when it
was created, so that another database reusing the id and the seqs never gets this one's
plan), its last event's sequence number (any change to the room makes a new key), the
language and the edition: `w12-c1445333400000000-s3456-fr-public`. The plan is the same
without the seq (`w12-c1445333400000000-fr-public`). States are files, so they hold
across processes:

    <key>.pdf      ready (written to a temporary name, then renamed: never half a file)
    <key>.failed   failed, with the reason (the staff's "Try again" renders again)
    <plan>.lock    queued or rendering, with the seq it renders: ONE per plan, made with
                   O_CREAT|O_EXCL, so of any number of requests at once, for whatever
                   seq, exactly one starts a render; the render process holds an flock on
                   it while it works, so a lock whose process died is seen and cleared
    slots/slot-N   RENDER_SLOTS render places on the machine, flock'ed

Bounds, whoever asks and however fast the room moves:
- one render at a time per plan. A queued render renders the room as it is when its
  process starts, so it serves every seq asked for meanwhile (a newer request replaces
  the older one); a request while one renders reuses it (ask again once it is ready);
- at most RENDER_SLOTS render processes alive on the machine: the server takes a free
  place (a non-blocking flock) before it starts one and hands it to the process, which
  holds it until it exits. With no place free nothing starts and nothing waits: the
  answer is "busy", try again shortly (the pages reload themselves). No process ever
  waits in a loop.
"""
from __future__ import annotations

import fcntl
import gc
import json
import os
import re
import secrets
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app

from config import BASE_DIR

STATES = ("none", "queued", "rendering", "ready", "failed")  # "busy": ask_render only
RENDER_SLOTS = 2  # render processes alive at once on the machine, at most
RENDER_NICE = 10  # renders give way to the live server (a broadcast waits for a core)
QUEUE_TIMEOUT = 300  # seconds a queued render may wait for its process to take the lock
SLOT_ENV = "PLAN_RENDER_SLOT_FD"  # the render place handed to the render process
_NAME = re.compile(r"^w(\d+)-c(\d+)-s(\d+)-([a-z]{2})-(public|internal)\.")
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class Key:
    workshop_id: int
    created: int  # the workshop's created_at, in microseconds since 1970 (UTC)
    seq: int
    language: str
    edition: str

    @property
    def plan(self) -> str:
        """The workshop, language and edition, whatever the seq: `w12-c…-fr-public`."""
        return f"w{self.workshop_id}-c{self.created}-{self.language}-{self.edition}"

    @property
    def name(self) -> str:
        return (f"w{self.workshop_id}-c{self.created}-s{self.seq}-{self.language}-"
                f"{self.edition}")

    def args(self) -> list[str]:
        return [str(self.workshop_id), str(self.created), str(self.seq), self.language,
                self.edition]

    def at(self, seq: int) -> "Key":
        return Key(self.workshop_id, self.created, seq, self.language, self.edition)


def created_stamp(created_at: datetime | None) -> int:
    """A workshop's creation time as the key writes it (stored times are naive UTC)."""
    if created_at is None:
        return 0
    if created_at.tzinfo is not None:
        created_at = created_at.astimezone(timezone.utc).replace(tzinfo=None)
    return (created_at - _EPOCH) // timedelta(microseconds=1)


def cache_dir(instance_path: str | None = None) -> Path:
    path = Path(instance_path or current_app.instance_path) / "plans"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(key: Key, folder: Path) -> tuple[Path, Path, Path]:
    """The key's PDF, its plan's lock, the key's failure."""
    base = folder / key.name
    return (base.with_suffix(".pdf"), folder / f"{key.plan}.lock",
            base.with_suffix(".failed"))


def key_for(workshop, language: str | None = None, edition: str = "public") -> Key:
    """The cache key of this workshop as it is now."""
    from .plan import EDITIONS, LANGUAGES

    language = language or workshop.language
    if language not in LANGUAGES or edition not in EDITIONS:
        raise ValueError(f"no plan in {language!r}, edition {edition!r}")
    return Key(workshop.id, created_stamp(workshop.created_at), workshop.last_seq, language,
               edition)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


def _write_failed(failed: Path, reason: str) -> None:
    tmp = failed.with_name(f".{failed.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"reason": reason, "at": time.time()}), encoding="utf-8")
    os.replace(tmp, failed)


def _lock_seq(info: dict, key: Key) -> int:
    seq = info.get("seq")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else key.seq


def _clear_dead_lock(key: Key, folder: Path, info: dict, reason: str | None = None) -> bool:
    """The plan's lock, if no process renders it (it died, or never started): cleared,
    and the seq it was for said failed. Returns True when the lock is gone. Holding the
    lock's flock proves no process renders it; the inode check makes sure it is still
    the file at that name."""
    lock = _paths(key, folder)[1]
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a render process holds it: alive
        try:
            if os.fstat(fd).st_ino != os.stat(lock).st_ino:
                return True  # replaced meanwhile: someone else cleared it
        except FileNotFoundError:
            return True
        if reason is None:
            reason = ("The render process did not start." if info.get("state") == "queued"
                      else "The render process stopped before it finished.")
        _write_failed(_paths(key.at(_lock_seq(info, key)), folder)[2], reason)
        os.unlink(lock)
        return True
    finally:
        os.close(fd)


def status(key: Key, folder: Path | None = None) -> dict:
    """{state, key, ...}: ready (with size and rendered_at), queued or rendering (with
    since; `of_seq` when what renders is an earlier state than the key's: ask again once
    it is done), failed (with reason), or none (never asked)."""
    folder = folder or cache_dir()
    pdf, lock, failed = _paths(key, folder)
    answer = {"key": key.name, "seq": key.seq, "language": key.language,
              "edition": key.edition}
    try:
        stat = pdf.stat()
        return {**answer, "state": "ready", "size": stat.st_size,
                "rendered_at": stat.st_mtime}
    except FileNotFoundError:
        pass
    if lock.exists():
        info = _read_json(lock)
        state = info.get("state") if info.get("state") in ("queued", "rendering") else "queued"
        since = info.get("since") or info.get("requested_at") or time.time()
        stale = state == "rendering" or time.time() - since > QUEUE_TIMEOUT
        if not (stale and _clear_dead_lock(key, folder, {**info, "state": state})):
            found = {**answer, "state": state, "since": since}
            if state == "rendering" and _lock_seq(info, key) < key.seq:
                found["of_seq"] = _lock_seq(info, key)
            return found
        return status(key, folder)
    if failed.exists():
        info = _read_json(failed)
        return {**answer, "state": "failed",
                "reason": info.get("reason") or "The render failed.", "at": info.get("at")}
    return {**answer, "state": "none"}


def ask_render(key: Key, folder: Path | None = None, *, retry: bool = False,
               spawn=None) -> dict:
    """Make sure this key's PDF is ready or being made, and say its state, within the
    bounds (see the module's doc): "busy" when every render place is taken, and nothing
    started or left waiting. A failed render is tried again only with retry=True (a
    facilitator or organiser asked). spawn(key, folder, slot=fd, token=str) starts the
    render process (start_process unless given)."""
    folder = folder or cache_dir()
    current = status(key, folder)
    if current["state"] in ("ready", "queued", "rendering"):
        return current
    if current["state"] == "failed":
        if not retry:
            return current
        _paths(key, folder)[2].unlink(missing_ok=True)
    lock = _paths(key, folder)[1]
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:  # asked by someone else just now, for this seq or another
        return status(key, folder)
    token = secrets.token_hex(8)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        json.dump({"state": "queued", "seq": key.seq, "requested_at": time.time(),
                   "by": os.getpid(), "token": token}, file)
    slot = take_slot(folder)
    if slot is None:
        lock.unlink(missing_ok=True)
        return {**current, "state": "busy"}
    try:
        (spawn or start_process)(key, folder, slot=slot, token=token)
    except Exception as exc:  # noqa: BLE001 (said as a failed render, not a 500)
        current_app.logger.exception("action plan: could not start the render")
        _write_failed(_paths(key, folder)[2], f"The render could not start: {exc}")
        lock.unlink(missing_ok=True)
    finally:
        os.close(slot)  # the render process holds its own copy until it exits
    return status(key, folder)


def ready_file(key: Key, folder: Path | None = None) -> Path | None:
    pdf = _paths(key, folder or cache_dir())[0]
    return pdf if pdf.exists() else None


def _versions(key: Key, folder: Path, suffix: str) -> list[tuple[int, Path]]:
    """(seq, path) of this plan's files with this suffix, whatever their seq."""
    found = []
    pattern = f"w{key.workshop_id}-c{key.created}-s*-{key.language}-{key.edition}{suffix}"
    for path in folder.glob(pattern):
        match = _NAME.match(path.name)
        if match and path.name.endswith(suffix) and int(match[2]) == key.created:
            found.append((int(match[3]), path))
    return found


def latest_ready(key: Key, folder: Path | None = None) -> tuple[Key, Path] | None:
    """The newest public PDF ready of this key's workshop and language, whatever its seq
    (an earlier version, while the room goes on). None for the internal edition: only
    the room as it is now makes one, as an earlier one may hold the email of someone
    who has left the committee since (forget_older deletes them)."""
    if key.edition != "public":
        return None
    versions = _versions(key, folder or cache_dir(), ".pdf")
    if not versions:
        return None
    seq, path = max(versions)
    return key.at(seq), path


def forget_older(key: Key, folder: Path | None = None) -> None:
    """Delete this plan's versions older than the key, and any of another workshop that
    had the same id (another creation time)."""
    folder = folder or cache_dir()
    for path in folder.glob(f"w{key.workshop_id}-c*-s*-{key.language}-{key.edition}.*"):
        match = _NAME.match(path.name)
        if not match:
            continue
        if int(match[2]) != key.created or int(match[3]) < key.seq:
            path.unlink(missing_ok=True)


# --- the render places ---------------------------------------------------------------------

def take_slot(folder: Path) -> int | None:
    """A free render place (an fd holding its flock), or None when all RENDER_SLOTS are
    taken. Never waits."""
    slots = folder / "slots"
    slots.mkdir(exist_ok=True)
    for n in range(RENDER_SLOTS):
        fd = os.open(slots / f"slot-{n}", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            os.close(fd)
    return None


# --- starting the render process --------------------------------------------------------

def start_process(key: Key, folder: Path, *, slot: int, token: str) -> None:
    """`python -m facilitator.plan_render ...` with this app's database and instance,
    holding the render place `slot` (its fd is passed on: the flock lasts as long as the
    process), reaped by a background task (a green thread under eventlet)."""
    from .extensions import socketio

    if socketio.async_mode == "eventlet":
        from eventlet.green import subprocess
    else:
        import subprocess
    app = current_app._get_current_object()
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if database.startswith("sqlite") and (":memory:" in database or database == "sqlite://"):
        raise RuntimeError("an in-memory database is not visible to another process")
    env = {**os.environ, "DATABASE_URL": database, "FACILITATOR_INSTANCE": app.instance_path,
           "PLAN_RENDER_FOLDER": str(folder), SLOT_ENV: str(slot)}
    env.setdefault("FACILITATOR_CONFIG", "venue")
    log = open(folder / f"{key.name}.log", "ab")
    try:
        process = subprocess.Popen([sys.executable, "-m", "facilitator.plan_render", *key.args()],
                                   cwd=str(BASE_DIR), env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log, start_new_session=True,
                                   pass_fds=(slot,))
    finally:
        log.close()
    socketio.start_background_task(_reap, process, key, folder, token)


def _reap(process, key: Key, folder: Path, token: str) -> None:
    """Wait for the render process (so it leaves no zombie); if it died leaving its lock
    (killed, or it stopped before rendering), clear the lock and say why."""
    code = process.wait()
    lock = _paths(key, folder)[1]
    log = folder / f"{key.name}.log"
    info = _read_json(lock) if lock.exists() else {}
    if info.get("token") == token:
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] if log.exists() else []
        _clear_dead_lock(key, folder, info, f"The render process ended with code {code}. "
                                            + (tail[0][:300] if tail else ""))
    if code == 0:
        log.unlink(missing_ok=True)


# --- in the render process --------------------------------------------------------------

def render_key(key: Key, folder: Path) -> Path | None:
    """Render this key's plan into the cache (called in the render process, inside an
    app context): the room as it is now, named by the seq it reads (at least the key's).
    Holds the plan lock's flock while it works; writes ready or failed; removes the
    lock; deletes the earlier versions of the same plan."""
    from .extensions import db
    from .models import Workshop
    from .plan import gather
    from .report import plan_pdf

    lock = _paths(key, folder)[1]
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return None  # cleared as dead before we started: a new request starts again
    owned = False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            owned = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            owned = False
        if not owned:
            return None  # cleared and replaced meanwhile: that request renders it
        token = _read_json(lock).get("token")
        workshop = db.session.get(Workshop, key.workshop_id, populate_existing=True)
        if workshop is None or created_stamp(workshop.created_at) != key.created:
            _write_failed(_paths(key, folder)[2], "This workshop is no longer in the database.")
            return None
        now = key.at(max(workshop.last_seq, key.seq))
        pdf, _lock, failed = _paths(now, folder)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"state": "rendering", "seq": now.seq, "since": time.time(),
                                  "pid": os.getpid(), "token": token}).encode(), 0)
        if pdf.exists():
            return pdf  # this state was rendered already
        try:
            data = gather(now.workshop_id, language=now.language, edition=now.edition)
            content = plan_pdf(data)
        except Exception as exc:  # noqa: BLE001 (the reason goes to the page)
            current_app.logger.exception("action plan: render of %s failed", now.name)
            _write_failed(failed, f"{exc.__class__.__name__}: {exc}"[:500])
            return None
        tmp = folder / f".{now.name}.{os.getpid()}.pdf"
        tmp.write_bytes(content)
        os.replace(tmp, pdf)
        failed.unlink(missing_ok=True)
        forget_older(now, folder)
        return pdf
    finally:
        if owned:  # still holding its flock: nobody else can have replaced it
            lock.unlink(missing_ok=True)
        os.close(fd)


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


def main(argv: list[str]) -> int:
    """python -m facilitator.plan_render WORKSHOP_ID CREATED SEQ LANGUAGE EDITION

    Started by the server, it inherits a render place (its fd in PLAN_RENDER_SLOT_FD);
    run by hand, it takes one, or says all are taken."""
    if len(argv) != 5:
        print(main.__doc__, file=sys.stderr)
        return 2
    from . import create_app

    key = Key(int(argv[0]), int(argv[1]), int(argv[2]), argv[3], argv[4])
    yield_to_the_room()
    app = create_app(os.environ.get("FACILITATOR_CONFIG", "venue"))
    # the app's objects live as long as the process: the collector need not walk them
    # again and again while WeasyPrint builds its boxes (1.2–1.5 s of a large plan's 6 s,
    # docs/performance.md "Action-plan PDF")
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    with app.app_context():
        folder = Path(os.environ.get("PLAN_RENDER_FOLDER") or cache_dir())
        if not os.environ.get(SLOT_ENV) and take_slot(folder) is None:
            print(f"All {RENDER_SLOTS} render places are taken: try again shortly.",
                  file=sys.stderr)
            return 3
        return 0 if render_key(key, folder) is not None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
