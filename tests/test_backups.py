"""Backups that bring a seminar back, on SQLite and on PostgreSQL: `flask backup` while
the room writes, `flask restore` on a new database (phones resync by themselves),
restores refused while a server runs, and the server's own copies at every stage change.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from facilitator.backups import KEEP_RECENT, Copy, to_prune
from facilitator.database import database_url
from tests.clients import Live, join, sign_in, snapshot
from tests.databases import drop_database, new_database
from tests.support import ROOT, LiveServer

OWNER = ("backups@example.org", "backups-password")
WAIT = 15


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of its own that looks for stage changes twice a second."""
    started = LiveServer(tmp_path_factory.mktemp("backups"), BACKUP_POLL_SECONDS="0.5")
    started.start()
    yield started
    started.stop()


def flask(database_url: str, instance: Path, *args: str) -> subprocess.CompletedProcess:
    """The command line against a database no server runs on."""
    env = {"DATABASE_URL": database_url, "FACILITATOR_INSTANCE": str(instance),
           "FACILITATOR_CONFIG": "venue", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "facilitator", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def objectives(state: dict) -> list[str]:
    boards = state["groups"]["boards"]
    return [entry["text"] for board in boards.values() for entry in board["objectives"]]


def last_seq(client: Live) -> int:
    with client.lock:
        return max(event["seq"] for event in client.events)


@pytest.mark.live
def test_a_backup_mid_step_3_restores_on_a_new_database_and_phones_resync(tmp_path, server):
    workshop_id, code = server.sample(*OWNER, "Backup Lead", until="objectives")
    lead = Live(server.url, sign_in(server.url, *OWNER), workshop_id, "console").connect()
    phone_http = join(server.url, code, "Rania Backup", "Ministry")
    phone = Live(server.url, phone_http, workshop_id, "phone").connect()
    group = snapshot(phone)["groups"]["my_group_id"]
    snapshot(lead)

    def add(client: Live, words: str) -> None:
        assert client.call("objective.add", {"text": words, "group_id": group})["ok"]
        phone.wait_for(lambda e: e["type"] == "objective.saved"
                       and e["data"]["objective"]["text"] == words)

    add(lead, "Agreed before the backup")
    backup = tmp_path / "mid-step-3.backup"
    made = server.flask("backup", "--output", str(backup))  # online: the room goes on
    assert backup.is_file() and "Backup written" in made.stdout
    add(lead, "Agreed after the backup, lost with the laptop")
    phone_seen, phone_scope = last_seq(phone), phone.scope
    lead.disconnect()
    phone.disconnect()
    server.stop(keep_database=True)  # the laptop is gone (started again at the end)

    spare = LiveServer(tmp_path / "spare")  # another machine: a new, empty database
    try:
        restored = spare.flask("restore", str(backup))
        assert "Restored" in restored.stdout
        spare.start()
        spare_lead = Live(spare.url, sign_in(spare.url, *OWNER), workshop_id,
                          "console").connect()
        state = snapshot(spare_lead)
        assert state["joining"]["join_code"] == code  # the same code on the screen
        for words in ("The restored room goes on", "and on, past the phone's last seq"):
            assert spare_lead.call("objective.add", {"text": words, "group_id": group})["ok"]
        assert snapshot(spare_lead)["seq"] > phone_seen

        # the phone comes back with its cookie and the last seq it saw before the move
        back = Live(spare.url, phone_http, workshop_id, "phone").connect()
        back.scope = phone_scope
        ack = back.call("sync", {"since": phone_seen})
        assert ack["ok"] and "snapshot" in ack, ack  # another history: a snapshot
        seen = objectives(ack["snapshot"])
        assert "Agreed before the backup" in seen
        assert "Agreed after the backup, lost with the laptop" not in seen
        assert "The restored room goes on" in seen
        assert ack["snapshot"]["me"]["name"] == "Rania Backup"
        back.disconnect()
        spare_lead.disconnect()
    finally:
        spare.stop()
        server.start()


@pytest.mark.live
def test_a_backup_taken_while_phones_post_is_consistent(tmp_path, server):
    workshop_id, code = server.sample("burst-backups@example.org", "burst-password",
                                      "Burst Lead", until="ideas")
    phones = [Live(server.url, join(server.url, code, f"Burst {n}", "Ministry"),
                   workshop_id, "phone").connect() for n in range(4)]
    done = threading.Event()

    def post(client: Live, n: int) -> None:
        for k in range(15):
            assert client.call("idea.post", {"text": f"Burst {n} card {k}", "kind": "idea"})["ok"]
        done.set()

    writers = [threading.Thread(target=post, args=(client, n))
               for n, client in enumerate(phones)]
    for writer in writers:
        writer.start()
    backups = []
    for n in range(3):  # copies while the cards arrive
        backups.append(tmp_path / f"burst-{n}.backup")
        server.flask("backup", "--output", str(backups[-1]))
    for writer in writers:
        writer.join(timeout=60)
    for client in phones:
        client.disconnect()

    for n, backup in enumerate(backups):
        url = new_database(tmp_path / f"check-{n}")
        (tmp_path / f"check-{n}").mkdir(exist_ok=True)
        try:
            # a restore checks the file first (SQLite: PRAGMA integrity_check)
            restored = flask(url, tmp_path / f"check-{n}", "restore", str(backup))
            assert restored.returncode == 0, restored.stderr
            engine = create_engine(database_url(url, "threading"))
            with engine.connect() as connection:
                for workshop, last in connection.execute(text(
                        "SELECT id, last_seq FROM workshop")).all():
                    seqs = [row[0] for row in connection.execute(text(
                        "SELECT seq FROM event WHERE workshop_id = :w ORDER BY seq"),
                        {"w": workshop})]
                    assert seqs == list(range(1, last + 1)), (workshop, last, seqs[-5:])
                # the phones' cards in the copy are exactly the ones it acknowledged
                burst = {f"participant:{pid}" for (pid,) in connection.execute(text(
                    "SELECT id FROM participant WHERE workshop_id = :w "
                    "AND name LIKE 'Burst %'"), {"w": workshop_id})}
                posted = [actor for (actor,) in connection.execute(text(
                    "SELECT actor FROM applied_operation WHERE name = 'idea.post' "
                    "AND workshop_id = :w"), {"w": workshop_id}) if actor in burst]
                cards = connection.execute(text(
                    "SELECT count(*) FROM idea WHERE workshop_id = :w AND text LIKE 'Burst %'"),
                    {"w": workshop_id}).scalar()
                assert len(posted) == cards
            engine.dispose()
        finally:
            drop_database(url)


@pytest.mark.live
def test_a_restore_is_refused_while_a_server_runs_on_the_database(tmp_path, server):
    server.sample("refused-restore@example.org", "refused-password", until="welcome")
    backup = tmp_path / "refused.backup"
    server.flask("backup", "--output", str(backup))
    refused = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "facilitator", "restore", str(backup)],
        cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "A Facilitator server is running on this database" in refused.stderr
    assert "Stop it first" in refused.stderr


@pytest.mark.live
@pytest.mark.sqlite
def test_the_server_copies_the_database_when_a_workshop_enters_a_stage(server):
    workshop_id, _code = server.sample("stage-backups@example.org", "stage-password",
                                       until="ideas")
    lead = Live(server.url, sign_in(server.url, "stage-backups@example.org",
                                    "stage-password"), workshop_id, "console").connect()
    try:
        assert lead.call("stage.change", {"from_stage": "ideas", "to_stage": "themes"})["ok"]
        folder = server.workdir / "instance" / "backups"
        wanted = f"-stage-w{workshop_id}-themes.sqlite"
        deadline = time.monotonic() + WAIT
        while not any(path.name.endswith(wanted) for path in folder.glob("*.sqlite")):
            assert time.monotonic() < deadline, sorted(p.name for p in folder.glob("*"))
            time.sleep(0.1)
        copy = next(path for path in folder.glob("*.sqlite") if path.name.endswith(wanted))
        engine = create_engine(f"sqlite:///{copy}")
        with engine.connect() as connection:
            stage = connection.execute(text("SELECT stage FROM workshop WHERE id = :w"),
                                       {"w": workshop_id}).scalar()
        engine.dispose()
        assert stage == "themes"
    finally:
        lead.disconnect()


def test_the_copies_kept_are_the_last_of_each_stage_and_the_last_activity():
    def copy(stamp: str, label: str) -> Copy:
        return Copy(Path(f"facilitator-{stamp}-{label}.sqlite"), stamp, label)

    activity = [copy(f"20261206-10{n:02d}00", "activity") for n in range(KEEP_RECENT + 3)]
    stages = [copy("20261206-090000", "stage-w1-ideas"),
              copy("20261206-091500", "stage-w1-ideas"),  # the room came back to it
              copy("20261206-093000", "stage-w1-themes")]
    by_hand = [copy("20261206-080000", "manual"), copy("20261206-080500", "before-restore")]
    gone = to_prune(sorted(activity + stages + by_hand, key=lambda c: c.stamp))
    assert set(gone) == set(activity[:3]) | {stages[0]}
