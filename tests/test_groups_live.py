"""Step 3 over real sockets: entering it puts every phone in its group (events, then
`resync`, then a snapshot with the group's board), groups editing at once stay consistent,
nobody writes into another group's board, and moving a participant moves their socket to
the new room."""
from __future__ import annotations

import threading
import time

import pytest

from tests.clients import Live, events_of, snapshot

pytestmark = pytest.mark.live
WAIT = 15


@pytest.fixture(scope="module")
def clients(live_rooms):
    """The module's room in Step 3 (the sample's objectives written, the room back at the
    objectives), its console, and two new phones in each group."""
    room = live_rooms("objectives")
    lead = room.console()
    state = snapshot(lead)
    assert lead.call("stage.change", {"from_stage": state["stage"]["stage"],
                                      "to_stage": "objectives"})["ok"]
    groups = snapshot(lead)["groups"]["list"]
    phones = {}
    for group in groups:
        for n in range(2):
            phones.setdefault(group["id"], []).append(
                room.phone(f"{group['title'][:12]} member {n}"))
    # newcomers went into the groups that kept the balance; put them where the test wants
    for group_id, members in phones.items():
        for member in members:
            me = snapshot(member)["me"]["id"]
            assert lead.call("group.move", {"participant_id": me, "group_id": group_id})["ok"]
    for members in phones.values():
        for member in members:
            deadline = time.monotonic() + WAIT
            while snapshot(member)["groups"]["my_group_id"] not in phones and \
                    time.monotonic() < deadline:
                time.sleep(0.1)
    return {"lead": lead, "groups": groups, "phones": phones}


def test_three_groups_editing_at_once_stay_consistent(clients):
    def write(member, group_id, n):
        for k in range(5):
            ack = member.call("objective.add", {"text": f"Objective {n}-{k} of group {group_id}"})
            assert ack["ok"], ack

    threads = [threading.Thread(target=write, args=(member, gid, n))
               for gid, members in clients["phones"].items() for n, member in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = snapshot(clients["lead"])["groups"]["boards"]
    for group_id, members in clients["phones"].items():
        texts = {o["text"] for o in final[str(group_id)]["objectives"]
                 if o["text"].endswith(f"of group {group_id}")}
        assert len(texts) == 10
        for member in members:
            # each member received every objective of its own group, and none of the others'
            member.wait_for(lambda e, gid=group_id: sum(
                1 for x in member.events if x["type"] == "objective.saved"
                and x["data"]["objective"]["text"].endswith(f"of group {gid}")) >= 10,
                timeout=WAIT)
            foreign = [e for e in member.events if e["type"] == "objective.saved"
                       and e["data"]["objective"]["group_id"] != group_id]
            assert foreign == []


def test_nobody_writes_into_another_group_s_board(clients):
    (first, members_a), (second, members_b) = list(clients["phones"].items())[:2]
    entry = members_a[0].call("objective.add", {"text": "Only group A may change this"})
    assert entry["ok"]
    intruder = members_b[0]
    for name, payload in [
        ("objective.edit", {"objective_id": entry["objective"]["id"], "text": "Changed by B"}),
        ("objective.remove", {"objective_id": entry["objective"]["id"]}),
        ("objective.add", {"text": "Planted by B", "group_id": first}),
    ]:
        ack = intruder.call(name, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "not_your_group", ack
    read = intruder.call("group.board", {"group_id": first})
    assert read["ok"] and any(o["text"] == "Only group A may change this"
                              for o in read["board"]["objectives"])


def test_moving_a_participant_moves_their_socket(clients):
    (old, members_a), (new, _members_b) = list(clients["phones"].items())[:2]
    mover, stayer = members_a[1], members_a[0]
    me = snapshot(mover)["me"]["id"]
    # a client that ignores `resync`: the server itself takes it out of the old room
    mover.client.handlers["/"].pop("resync")
    assert clients["lead"].call("group.move", {"participant_id": me, "group_id": new})["ok"]
    mover.wait_for(lambda e: e["type"] == "participants.grouped" and any(
        m["participant_id"] == me for m in e["data"]["moves"]), timeout=WAIT)
    before = len(mover.events)
    assert stayer.call("objective.add", {"text": "Said after the move, in the old group"})["ok"]
    # then something for everyone: once it has reached the mover, the old group's event
    # would have too (a socket gets the server's events in the order they were sent)
    assert clients["lead"].call("timer.stop", {})["ok"]
    mover.wait_for(lambda e: e["type"] == "timer.stopped" and mover.events.index(e) >= before,
                   timeout=WAIT)
    heard = [e for e in mover.events[before:] if e["type"] == "objective.saved"]
    assert heard == []  # the old group's events no longer reach the moved phone
    # its next sync (live.js sends it on `resync`) shows the new group's board
    synced = mover.call("sync", {"since": snapshot_seq(mover)})
    assert synced["snapshot"]["groups"]["my_group_id"] == new  # scope changed: a snapshot
    written = mover.call("objective.add", {"text": "Written in the new group"})
    assert written["objective"]["group_id"] == new
    clients["phones"][new].append(mover)
    clients["phones"][old].remove(mover)


def snapshot_seq(live: Live) -> int:
    return max((e["seq"] for e in live.events), default=0)


def test_entering_step_3_puts_every_phone_in_its_group(live_room):
    room = live_room("confirm")
    lead, mobile = room.console(), room.phone("Nadia Entering")
    before = snapshot(mobile)
    assert before["groups"]["my_group_id"] is None and before["groups"]["list"] == []
    assert lead.call("stage.change", {"from_stage": "confirm", "to_stage": "objectives"})["ok"]
    # the stage, the groups, everyone's move, in this order; then `resync`
    mobile.wait_for(lambda e: e["type"] == "participants.grouped", timeout=WAIT)
    assert [e["type"] for e in events_of(mobile, "stage.changed", "groups.formed",
                                         "participants.grouped")] == [
        "stage.changed", "groups.formed", "participants.grouped"]
    deadline = time.monotonic() + WAIT
    while not mobile.resyncs and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mobile.resyncs, "the server did not tell the phone to sync"
    # a sync with the old scope gets a snapshot: the phone's group and its stream
    ack = mobile.call("sync", {"since": before["seq"], "scope": before["scope"]})
    mine = ack["snapshot"]["groups"]["my_group_id"]
    assert mine is not None
    assert f"g{mine}" in ack["snapshot"]["scope"].split("/")[1].split(",")
    # the group's events reach it now
    written = lead.call("objective.add", {"text": "Said to the new group", "group_id": mine})
    assert written["ok"]
    mobile.wait_for(lambda e: e["type"] == "objective.saved"
                    and e["data"]["objective"]["id"] == written["objective"]["id"],
                    timeout=WAIT)
