"""The hosted cluster as `make cluster` starts it: PostgreSQL, Redis, two app processes
(nodes a and b) and nginx in front. What one process does reaches the sockets the other
holds, a process killed mid-seminar loses nothing acknowledged, and the guess limits
count once whatever process a guess reaches.

A socket's process is read from its Engine.IO session id, which starts with the node's
name (that is how nginx routes a session back to its process).
"""
from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from tests.clients import Http, Live, join, sign_in, snapshot
from tests.support import Cluster

pytestmark = pytest.mark.cluster
CO = ("co-cluster@example.org", "co-password")
WAIT = 15


@pytest.fixture(scope="module")
def cluster():
    """The cluster, started by the project's own script in a folder of its own (in the
    system's temporary folder: pytest's own is private to the user running the tests,
    and PostgreSQL's server runs as `postgres` when that user is root)."""
    workdir = Path(tempfile.mkdtemp(prefix="facilitator-cluster-"))
    started = Cluster(workdir)
    try:
        started.start()
        yield started
    finally:
        started.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def co_account(cluster):
    """A second facilitator's account, for the owner to add to the team."""
    cluster.flask("create-facilitator", "--email", CO[0], "--name", "Co Cluster",
                  "--password", CO[1])
    return CO


def node(client: Live) -> str:
    """The app process holding this socket: its session id starts with the node name."""
    return client.client.eio.sid.split(".", 1)[0]


def held_by(wanted: str, connect) -> Live:
    """A socket through nginx that landed on the node `wanted` (new sessions take turns)."""
    for _attempt in range(10):
        client = connect()
        if node(client) == wanted:
            return client
        client.disconnect()
    raise AssertionError(f"nginx never sent a new session to node {wanted}")


def phone_on(room, wanted: str, name: str) -> Live:
    http = join(room.base, room.code, name, "Ministry")
    return held_by(wanted, lambda: Live(room.base, http, room.id, "phone").connect())


def console_on(room, wanted: str, who=None, follows_resync: bool = True) -> Live:
    http = sign_in(room.base, *(who or room.owner))
    return held_by(wanted, lambda: Live(room.base, http, room.id, "console",
                                        follows_resync=follows_resync).connect())


def test_requests_are_spread_over_both_processes_and_say_which(cluster):
    processes = {requests.get(cluster.url + "/healthz", timeout=5).json()["process"]
                 for _ in range(6)}
    assert len(processes) == 2
    health = requests.get(cluster.url + "/healthz", timeout=5).json()
    assert health["database"] == {"ok": True, "dialect": "postgresql"}


def test_a_card_posted_through_one_process_reaches_phones_held_by_the_other(cluster, live_rooms):
    room = live_rooms("ideas", on=cluster)  # a seminar sharing ideas (Step 1)
    author, reader = phone_on(room, "a", "Author on a"), phone_on(room, "b", "Reader on b")
    lead = console_on(room, "b")
    try:
        for client in (author, reader, lead):
            snapshot(client)
        ack = author.call("idea.post", {"text": "Posted on a, read on b", "kind": "idea"})
        assert ack["ok"], ack
        for client in (reader, lead):
            client.wait_for(lambda e: e["type"] == "idea.posted"
                            and e["data"]["idea"]["text"] == "Posted on a, read on b")
        assert [e["data"]["idea"]["text"] for e in reader.events
                if e["type"] == "idea.posted"].count("Posted on a, read on b") == 1
    finally:
        for client in (author, reader, lead):
            client.disconnect()


def _set_member(room, base: str, owner_http: Http, email: str, role: str | None) -> None:
    """The owner adds or removes a member through the settings page of one process."""
    edit = f"/workshops/{room.id}/edit"
    owner_http.base = base
    if role is not None:
        owner_http.post_form(f"/workshops/{room.id}/members",
                             {"email": email, "role": role}, form_path=edit)
        return
    action = re.search(r'action="(/workshops/\d+/members/\d+/remove)"',
                       owner_http.get(edit).text)
    assert action, "the settings page lists the co-facilitator with a remove button"
    owner_http.post_form(action.group(1), {}, form_path=edit)


def test_a_cofacilitator_removed_through_one_process_loses_rights_on_the_other(
        cluster, live_rooms, co_account):
    room = live_rooms("ideas", on=cluster)
    owner_http = sign_in(room.base, *room.owner)
    _set_member(room, cluster.node_url("a"), owner_http, co_account[0], "cofacilitator")
    # a console that ignores `resync`: the server itself must cut it off
    co, lead = console_on(room, "b", co_account, follows_resync=False), console_on(room, "b")
    author = phone_on(room, "a", "Anonymous on a")
    try:
        snapshot(co)
        assert co.call("ideas.settings", {"anonymous": True})["ok"]  # a co-facilitator
        _set_member(room, cluster.node_url("a"), owner_http, co_account[0], None)  # through a
        assert co.disconnected.wait(10)  # b disconnected it, told through Redis
        with pytest.raises(socketio.exceptions.ConnectionError):  # and it cannot come back
            console_on(room, "b", co_account)
        assert author.call("idea.post", {"text": "Who wrote this?", "kind": "idea"})["ok"]
        assert lead.call("timer.start", {"seconds": 60})["ok"]  # the lead on b goes on
        lead.wait_for(lambda e: e["type"] == "timer.started")
    finally:
        assert lead.call("timer.stop", {})["ok"]
        assert lead.call("ideas.settings", {"anonymous": False})["ok"]
        for client in (co, lead, author):
            client.disconnect()


def test_a_group_move_through_one_process_realigns_a_phone_held_by_the_other(cluster, live_rooms):
    room = live_rooms("objectives", on=cluster)  # in Step 3, its working groups formed
    lead = console_on(room, "a")
    mover = phone_on(room, "b", "Mover on b")
    try:
        groups = [g["id"] for g in snapshot(lead)["groups"]["list"]]
        me = snapshot(mover)["me"]["id"]
        now = snapshot(mover)["groups"]["my_group_id"]
        target = next(g for g in groups if g != now)
        assert lead.call("group.move", {"participant_id": me, "group_id": target})["ok"]
        deadline = time.monotonic() + WAIT
        while not any(r.get("ok") and r.get("snapshot", {}).get("groups", {})
                      .get("my_group_id") == target for r in mover.resyncs):
            assert time.monotonic() < deadline, mover.resyncs
            time.sleep(0.05)
        # the socket on b is now in the new group's room: its board's events reach it
        assert lead.call("objective.add", {"text": "Only for the new group",
                                           "group_id": target})["ok"]
        mover.wait_for(lambda e: e["type"].startswith("objective")
                       and e["stream"] == f"g{target}")
    finally:
        lead.disconnect()
        mover.disconnect()


def test_the_guess_limits_count_once_across_processes(cluster):
    """Wrong join codes from one phone, spread over both processes: the limit (30 a
    minute) is reached as if one process had counted them all."""
    address = f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    answers = []
    for attempt in range(31):
        base = cluster.node_url("ab"[attempt % 2])
        answers.append(requests.get(f"{base}/j/WRONG{attempt:03d}", timeout=5,
                                    headers={"X-Forwarded-For": address}).status_code)
    assert answers[:30] == [404] * 30
    assert answers[30] == 429
    other_phone = requests.get(f"{cluster.node_url('a')}/j/WRONG999", timeout=5,
                               headers={"X-Forwarded-For": "10.8.0.1"})
    assert other_phone.status_code == 404  # another address is not held back


class OutboxPhone:
    """A phone as live.js is: every card has an op_id, is sent again until acknowledged
    (after reconnecting through nginx if its socket dropped), and is kept once acked."""

    def __init__(self, room, name: str, wanted: str):
        self.room, self.name = room, name
        self.http = join(room.base, room.code, name, "Ministry")
        self.live = held_by(wanted, self._connect)
        self.first_node = node(self.live)
        self.acked: list[str] = []
        self.sent: list[str] = []

    def _connect(self) -> Live:
        return Live(self.room.base, self.http, self.room.id, "phone").connect()

    def post(self, text: str) -> None:
        op_id = uuid.uuid4().hex
        self.sent.append(text)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                ack = self.live.call("idea.post", {"text": text, "kind": "idea"}, op_id=op_id)
                if ack.get("ok"):
                    self.acked.append(text)
                    return
            except socketio.exceptions.SocketIOError:
                pass
            self.reconnect()
        raise AssertionError(f"{text!r} was never acknowledged")

    def reconnect(self) -> None:
        self.live.disconnect()
        for _attempt in range(50):
            try:
                self.live = self._connect()
                snapshot(self.live)  # catch up, as live.js does after a reconnect
                return
            except (socketio.exceptions.SocketIOError, AssertionError):
                time.sleep(0.2)
        raise AssertionError(f"{self.name} could not reconnect through nginx")


def test_a_pdf_asked_for_through_one_process_downloads_through_the_other(cluster, live_rooms):
    """The action plan's PDF is kept in the database: asked for through a (whose render
    process makes it), it is ready for b, which serves the same file."""
    room = live_rooms("ideas", on=cluster)
    staff = sign_in(cluster.node_url("a"), *room.owner)
    plan = f"/workshops/{room.id}/plan"
    assert staff.get(f"{plan}.pdf").status_code == 202  # being prepared, by a
    staff.base = cluster.node_url("b")
    deadline = time.monotonic() + 180
    while (state := staff.get(f"{plan}/status.json").json()["editions"]["public"])[
            "state"] != "ready":
        assert state["state"] in ("queued", "rendering"), state
        assert time.monotonic() < deadline, "the PDF was never ready"
        time.sleep(0.5)
    through_b = staff.get(f"{plan}.pdf")
    assert through_b.status_code == 200 and through_b.content.startswith(b"%PDF")
    staff.base = cluster.node_url("a")
    assert staff.get(f"{plan}.pdf").content == through_b.content


def cards_as_a_client_applies_them(client: Live, applied: int) -> list[str]:
    """The cards a console ends with, applying its live events of the `all` stream as
    docs/protocol.md says: an event whose `prev` is not the last seq it applied means it
    missed one (a process killed between its commit and its publish), so it syncs from
    there and applies what the log gives, then goes on. `applied`: the stream's last
    seq in the console's snapshot."""
    cards: dict[int, str] = {}

    def apply(event: dict) -> None:
        if event["type"] == "idea.posted":
            cards[event["seq"]] = event["data"]["idea"]["text"]

    with client.lock:
        live = [e for e in client.events if e["stream"] == "all"]
    for event in live:
        if event["seq"] <= applied:
            continue  # already applied from a catch-up
        if event["prev"] != applied:  # a hole: catch up from the log
            ack = client.call("sync", {"since": applied})
            assert ack["ok"] and "events" in ack, ack
            for missed in ack["events"]:
                if missed["stream"] == "all" and missed["seq"] < event["seq"]:
                    apply(missed)
        apply(event)
        applied = event["seq"]
    return list(cards.values())


def test_a_killed_process_loses_nothing_acknowledged_and_doubles_nothing(cluster, live_rooms):
    room = live_rooms("ideas", on=cluster)
    phones = [OutboxPhone(room, f"Outbox {n}", "a") for n in range(6)]
    lead = console_on(room, "b")
    applied = snapshot(lead)["streams"].get("all", 0)

    def write(phone: OutboxPhone) -> None:
        for k in range(12):
            phone.post(f"{phone.name} card {k}")

    writers = [threading.Thread(target=write, args=(phone,)) for phone in phones]
    try:
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + WAIT  # kill a while the phones are mid-stream
        while sum(len(phone.acked) for phone in phones) < 18:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        cluster.kill("a")
        for writer in writers:
            writer.join(timeout=120)
        assert all(not writer.is_alive() for writer in writers)

        cards = [c["text"] for c in snapshot(lead)["ideas"]["list"]]
        sent = [text for phone in phones for text in phone.sent]
        for phone in phones:
            assert phone.first_node == "a" and node(phone.live) == "b"
            assert phone.acked == phone.sent  # every card acknowledged, in order
        assert all(cards.count(text) == 1 for text in sent)
        # the console on b: no card heard twice; a card whose event died with a (its
        # process killed between commit and publish) leaves a hole in the stream, which
        # the next event shows. A last public event, then the console applies its
        # stream as a client does and ends with every card once.
        heard = [e["data"]["idea"]["text"] for e in lead.events
                 if e["type"] == "idea.posted" and e["stream"] == "all"]
        assert len(heard) == len(set(heard))
        assert lead.call("timer.start", {"seconds": 30})["ok"]
        lead.wait_for(lambda e: e["type"] == "timer.started")
        applied_cards = cards_as_a_client_applies_them(lead, applied)
        assert sorted(t for t in applied_cards if t.startswith("Outbox")) == sorted(sent)
    finally:
        for phone in phones:
            phone.live.disconnect()
        lead.disconnect()
        cluster.start()  # a comes back for whatever runs next
