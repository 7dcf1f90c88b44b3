"""Backups that bring a seminar back (docs/deploy.md, "Backups and moving a seminar").

SQLite (the venue laptop): an online copy made with SQLite's backup API, consistent
while the room writes (it copies one committed state of the whole file). The server
takes one into instance/backups/
- when a workshop enters a stage: the latest one per workshop and stage is kept;
- after 5 minutes of activity (a seq moved since the last copy): the last KEEP_RECENT
  are kept, so the newest change is never more than ACTIVITY_SECONDS from a copy.
The copy runs in a real thread (eventlet.tpool under eventlet): SQLite releases the GIL
while it copies, so the rooms go on meanwhile. A steering committee member who leaves is
deleted from every SQLite copy in instance/backups/ at the schedule's next look, with their
workshop's rendered internal editions of the plan (forget_members; docs/privacy.md); so is
a workshop its owner deleted, with everything it held (forget_workshops).

PostgreSQL: `flask backup` runs pg_dump (custom format) and `flask restore` pg_restore;
scheduled copies are the database server's business (docs/deploy.md).

`flask restore FILE` replaces the database with a backup. It is refused while a server
runs on the database; the database as it was is saved first; every workshop's log epoch
is made anew, so that phones and consoles take a snapshot at their next sync.
"""
from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import String, select, type_coerce, update
from sqlalchemy.engine import make_url

from .database import APPLICATION_NAME
from .extensions import db, off_the_event_loop, socketio
from .models import CommitteeMember, Workshop, new_epoch

log = logging.getLogger(__name__)
ACTIVITY_SECONDS = 300  # a room that moved gets a copy at least this often
KEEP_RECENT = 6  # activity copies kept: the last half hour of a busy room
_NAME = re.compile(r"^facilitator-(\d{8}-\d{6}(?:-\d+)?)-(?P<label>[a-z0-9-]+)\.(sqlite|dump)$")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


# --- where the database is ---------------------------------------------------------------

def sqlite_file(uri: str) -> Path | None:
    """The SQLite database's file, or None (PostgreSQL, or SQLite in memory)."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def _libpq_url(uri: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it (no driver name)."""
    return make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)


def folder(app: Flask) -> Path:
    path = Path(app.instance_path) / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _name(label: str, suffix: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"facilitator-{stamp}-{label}.{suffix}"


# --- taking a copy -----------------------------------------------------------------------

def take(app: Flask, output: Path | None = None, label: str = "manual") -> Path:
    """Copy the app's database to `output` (default: instance/backups/, named by the time
    and `label`); returns the file written. Never leaves half a file at that name."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    source = sqlite_file(uri)
    postgres = make_url(uri).get_backend_name() == "postgresql"
    if source is None and not postgres:
        raise BackupError("This database lives in memory: there is nothing to back up.")
    suffix = "sqlite" if source is not None else "dump"
    target = Path(output) if output else folder(app) / _name(label, suffix)
    if target.exists() and target.is_dir():
        target = target / _name(label, suffix)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if source is not None:
            _sqlite_copy(source, partial)
        else:
            _pg_dump(uri, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.exists():
        raise BackupError(f"There is no database at {source} yet: nothing to back up.")
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)  # one step: one committed state, whatever writes meanwhile
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
    finally:
        copy.close()
        origin.close()


def _pg_dump(uri: str, target: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
          f"--file={target}", f"--dbname={_libpq_url(uri)}"], "pg_dump")


def _run(command: list[str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{what} is not installed. Install PostgreSQL's client "
                          "programs: sudo apt-get install -y postgresql-client")
    done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-500:]}")


# --- which copies to keep ----------------------------------------------------------------

@dataclass(frozen=True)
class Copy:
    path: Path
    stamp: str
    label: str


def copies(where: Path) -> list[Copy]:
    """The backups in a folder, oldest first."""
    found = []
    for path in where.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append(Copy(path, match[1], match["label"]))
    return sorted(found, key=lambda copy: (copy.stamp, copy.path.name))


def to_prune(found: list[Copy]) -> list[Copy]:
    """The automatic copies no longer kept: activity copies beyond the newest
    KEEP_RECENT, and stage copies other than the newest of each workshop and stage.
    Copies made by hand (manual, before-restore) are never pruned."""
    activity = [copy for copy in found if copy.label == "activity"]
    gone = activity[:-KEEP_RECENT] if len(activity) > KEEP_RECENT else []
    newest: dict[str, Copy] = {}
    for copy in found:
        if copy.label.startswith("stage-"):
            if copy.label in newest:
                gone.append(newest[copy.label])
            newest[copy.label] = copy
    return gone


def prune(where: Path) -> None:
    for copy in to_prune(copies(where)):
        copy.path.unlink(missing_ok=True)


# --- forgetting a committee member who left ------------------------------------------------

# what a copy may hold of a member (workshop, participant): their row, the rendered internal
# editions of their workshop's plan (they print the committee's emails), and in a copy made
# before the email left the event log (migration a9d4e2c7f5b1), events and acks holding it
_FORGET = (
    ("committee_member",
     "DELETE FROM committee_member WHERE workshop_id = :w AND participant_id = :p"),
    ("plan_file", "DELETE FROM plan_file WHERE workshop_id = :w AND edition = 'internal'"),
    ("event",
     "UPDATE event SET data = json_remove(data, '$.member.email', '$.member.consented_at') "
     "WHERE workshop_id = :w AND type = 'committee.joined' "
     "AND json_extract(data, '$.member.participant_id') = :p "
     "AND json_extract(data, '$.member.email') IS NOT NULL"),
    ("applied_operation",
     "UPDATE applied_operation SET result = json_remove(result, '$.member.email', "
     "'$.member.consented_at') WHERE workshop_id = :w AND name = 'committee.join' "
     "AND json_extract(result, '$.member.participant_id') = :p "
     "AND json_extract(result, '$.member.email') IS NOT NULL"),
)


def forget_members(where: Path, members: set[tuple[int, int]]) -> list[Path]:
    """Delete these committee members (workshop id, participant id), who left, from every
    SQLite copy in `where`, with what else of the copy holds their email (_FORGET).
    Returns the copies changed."""
    def forget(connection: sqlite3.Connection, tables: set[str]) -> int:
        return sum(connection.execute(statement, {"w": w, "p": p}).rowcount
                   for w, p in members for table, statement in _FORGET if table in tables)

    return _in_every_copy(where, forget, "a committee member")


def forget_workshops(where: Path, workshops: set[tuple[int, str]]) -> list[Path]:
    """Delete these workshops (id, created_at as the database stores it: SQLite may give a
    deleted workshop's id to the next one), deleted by their owner, from every SQLite
    copy in `where`: one DELETE of the workshop's row, and the copy's own ON DELETE
    CASCADE (foreign keys on) takes every row of it, as in the database. Returns the
    copies changed."""
    def forget(connection: sqlite3.Connection, _tables: set[str]) -> int:
        return sum(connection.execute(
            "DELETE FROM workshop WHERE id = :w AND created_at = :c",
            {"w": w, "c": c}).rowcount for w, c in workshops)

    return _in_every_copy(where, forget, "a deleted workshop")


def _in_every_copy(where: Path, change, what: str) -> list[Path]:
    """Apply `change(connection, tables)` to every SQLite copy in `where`, one
    transaction each, foreign keys enforced; secure_delete zeroes what is deleted, and
    the copy's journal goes with its transaction. Returns the copies changed; a copy
    that cannot be changed is logged and left."""
    changed = []
    for copy in copies(where):
        if copy.path.suffix != ".sqlite":
            continue
        try:
            connection = sqlite3.connect(copy.path)
            try:
                connection.execute("PRAGMA secure_delete=ON")
                connection.execute("PRAGMA foreign_keys=ON")
                tables = {row[0] for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                with connection:
                    done = change(connection, tables)
            finally:
                connection.close()
        except sqlite3.Error:
            log.exception("could not forget %s in the backup %s", what, copy.path)
            continue
        if done:
            changed.append(copy.path)
    return changed


# --- the server's schedule (SQLite) ------------------------------------------------------

class Schedule:
    """What one server process copies, and when (see the module's doc). It reads the
    workshops' stages and seqs every `every` seconds; the copy itself runs off the event
    loop."""

    def __init__(self, app: Flask, every: float):
        self.app, self.every = app, every
        self.stages: dict[int, str] | None = None
        self.members: set[tuple[int, int]] = set()  # the committees at the last look
        self.workshops: set[tuple[int, str]] = set()  # (id, created_at) at the last look
        self.copied_seqs: dict[int, int] = {}
        self.copied_at = time.monotonic()

    def run_forever(self) -> None:
        while True:
            socketio.sleep(self.every)
            try:
                self.tick()
            except Exception:  # noqa: BLE001 (a failed copy is logged; the next one tries)
                log.exception("automatic backup failed")

    def _read(self) -> tuple[list[tuple[int, str, int, str]], set[tuple[int, int]]]:
        with self.app.app_context():
            try:  # created_at as stored (type_coerce: no conversion), to find it in copies
                return ([tuple(row) for row in db.session.execute(
                    select(Workshop.id, Workshop.stage, Workshop.last_seq,
                           type_coerce(Workshop.created_at, String))).all()],
                        {tuple(row) for row in db.session.execute(select(
                            CommitteeMember.workshop_id, CommitteeMember.participant_id))})
            finally:
                db.session.remove()

    def tick(self) -> list[Path]:
        rows, members = self._read()
        stages = {workshop_id: stage for workshop_id, stage, _seq, _created in rows}
        seqs = {workshop_id: seq for workshop_id, _stage, seq, _created in rows}
        # the workshops deleted since the last look: every copy forgets them too (kept
        # for the next look until then, should a copy fail first)
        workshops = {(workshop_id, created) for workshop_id, _stage, _seq, created in rows}
        deleted = self.workshops - workshops
        # who left a committee since the last look (their workshop still there): every
        # copy forgets them, after this look's copies (one holding them is among them)
        left = {(w, p) for w, p in self.members - members if w in stages}
        self.members = members
        if self.stages is None:  # what the server found at start: nothing to copy yet
            self.stages, self.copied_seqs, self.workshops = stages, seqs, workshops
            return []
        labels = [f"stage-w{workshop_id}-{stage.replace('_', '-')}"
                  for workshop_id, stage in stages.items()
                  if self.stages.get(workshop_id) != stage]
        if not labels and seqs != self.copied_seqs and \
                time.monotonic() - self.copied_at >= ACTIVITY_SECONDS:
            labels = ["activity"]
        made = [self._copy(label) for label in labels]
        if made:
            self.stages, self.copied_seqs, self.copied_at = stages, seqs, time.monotonic()
            prune(folder(self.app))
        if left:
            off_the_event_loop(forget_members, folder(self.app), left)
        if deleted:
            off_the_event_loop(forget_workshops, folder(self.app), deleted)
        self.workshops = workshops
        return made

    def _copy(self, label: str) -> Path:
        return off_the_event_loop(take, self.app, None, label)


def start_schedule(app: Flask) -> bool:
    """Start the automatic copies in this server process (SQLite on disk only, and
    unless AUTOMATIC_BACKUPS is off). Returns whether they run."""
    if not app.config.get("AUTOMATIC_BACKUPS") or \
            sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"]) is None:
        return False
    socketio.start_background_task(Schedule(app, app.config["BACKUP_POLL_SECONDS"])
                                   .run_forever)
    return True


# --- a server on this database -------------------------------------------------------------

def _serving_lock(path: Path) -> Path:
    return path.with_name(path.name + ".serving")


def hold_serving_lock(app: Flask) -> None:
    """A server process holds a shared lock on `<database>.serving` for its whole life, so
    that `flask restore` can tell a server runs on this SQLite file."""
    path = sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if path is None:
        return
    descriptor = os.open(_serving_lock(path), os.O_CREAT | os.O_RDWR, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    app.extensions["facilitator.serving_lock"] = descriptor  # open until the process ends


def _served_sqlite(path: Path) -> bool:
    lock = _serving_lock(path)
    if not lock.exists():
        return False
    descriptor = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def _served_postgres() -> list[str]:
    """The app's other connections to this database (servers, renders), as host:pid."""
    rows = db.session.execute(db.text(
        "SELECT coalesce(host(client_addr), 'local'), pid FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND application_name = :name"), {"name": APPLICATION_NAME}).all()
    db.session.rollback()
    return [f"{host} (backend {pid})" for host, pid in rows]


SERVER_RUNNING = ("A Facilitator server is running on this database ({where}). Stop it "
                  "first (Ctrl+C where `make run` runs, or `make cluster-stop`), then run "
                  "the restore again; phones reconnect by themselves once it is back.")


# --- restoring ---------------------------------------------------------------------------

def _check_sqlite_backup(source: Path) -> None:
    try:
        copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            healthy = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            copy.close()
    except sqlite3.DatabaseError:
        tables, healthy = set(), False
    if not {"alembic_version", "workshop", "event"} <= tables:
        raise BackupError(f"{source} is not a Facilitator backup of an SQLite database.")
    if not healthy:
        raise BackupError(f"{source} is damaged (SQLite's integrity check fails); "
                          "restore another backup.")


def restore(app: Flask, source: Path) -> Path | None:
    """Replace the app's database with the backup `source` (inside an app context).
    Returns the copy of the database as it was before, or None when it was empty."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no file at {source}.")
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    path = sqlite_file(uri)
    if path is not None:
        _check_sqlite_backup(source)
        if _served_sqlite(path):
            raise BackupError(SERVER_RUNNING.format(where=path))
        saved = take(app, label="before-restore") if path.exists() else None
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()
    elif make_url(uri).get_backend_name() == "postgresql":
        _run(["pg_restore", "--list", str(source)], "pg_restore")
        others = _served_postgres()
        if others:
            raise BackupError(SERVER_RUNNING.format(where=", ".join(others)))
        saved = take(app, label="before-restore")
        db.engine.dispose()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={_libpq_url(uri)}", str(source)],
             "pg_restore")
    else:
        raise BackupError("This database lives in memory: there is nothing to restore into.")
    upgrade()  # a backup made by an earlier version is brought up to date
    db.session.execute(update(Workshop).values(log_epoch=new_epoch()))
    db.session.commit()
    return saved
