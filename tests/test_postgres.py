"""PostgreSQL under eventlet: a query waiting on the database never freezes the server.

Runs in `make test`'s PostgreSQL pass (TEST_DATABASE_URL names a server). Another
database session holds the workshop's row lock, as a long transaction would: the phone's
card waits for it, and meanwhile the same server process answers /healthz and another
phone's sync. With a driver whose waits block (psycopg 3, or psycopg2 without
eventlet's green wait callback), both would wait for the lock too.
"""
from __future__ import annotations

import threading
import time
from contextlib import closing

import psycopg2
import pytest
import requests
from sqlalchemy.engine import make_url

from tests.clients import Live, join, snapshot

pytestmark = [pytest.mark.live, pytest.mark.postgres]


def _connect(url: str):
    url = make_url(url)
    return psycopg2.connect(host=url.host, port=url.port, user=url.username,
                            dbname=url.database)


def _waiting_on_a_lock(admin, database: str) -> bool:
    with closing(admin.cursor()) as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                       "AND application_name = 'facilitator' AND wait_event_type = 'Lock'",
                       (database,))
        return cursor.fetchone()[0] > 0


def test_a_query_waiting_on_a_lock_leaves_the_server_answering(live_server):
    workshop_id, code = live_server.sample("pg-lock@example.org", "pg-password",
                                           "Lock Lead", until="ideas")
    base = live_server.url
    author = Live(base, join(base, code, "Waiting Author", "Ministry"), workshop_id,
                  "phone").connect()
    reader = Live(base, join(base, code, "Patient Reader", "Ministry"), workshop_id,
                  "phone").connect()
    blocker, admin = _connect(live_server.database_url), _connect(live_server.database_url)
    admin.autocommit = True
    acks: list[dict] = []
    try:
        with closing(blocker.cursor()) as cursor:  # a transaction holding the row lock
            cursor.execute("SELECT id FROM workshop WHERE id = %s FOR UPDATE", (workshop_id,))
        posting = threading.Thread(target=lambda: acks.append(author.call(
            "idea.post", {"text": "Posted while the row was locked", "kind": "idea"})))
        posting.start()
        database = make_url(live_server.database_url).database
        deadline = time.monotonic() + 10
        while not _waiting_on_a_lock(admin, database):
            assert time.monotonic() < deadline, "the card never reached the database"
            time.sleep(0.05)

        # the lock is still held: the card waits, the rest of the process does not
        health = requests.get(base + "/healthz", timeout=5)
        assert health.status_code == 200 and health.json()["database"]["ok"]
        assert snapshot(reader)["stage"]["stage"] == "ideas"
        assert acks == [] and _waiting_on_a_lock(admin, database)

        blocker.rollback()  # the lock goes: the card is saved and acknowledged
        posting.join(timeout=15)
        assert acks and acks[0]["ok"] is True, acks
        cards = [card["text"] for card in snapshot(reader)["ideas"]["list"]]
        assert "Posted while the row was locked" in cards
    finally:
        blocker.close()
        admin.close()
        author.disconnect()
        reader.disconnect()
