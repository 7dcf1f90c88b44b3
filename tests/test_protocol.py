"""The live protocol over real sockets, against the eventlet server in a subprocess."""
from __future__ import annotations

import re
import threading

import pytest
import requests
import socketio

from tests.clients import Http, Live, form_fields, join

pytestmark = pytest.mark.live


def current_stage(live):
    return live.call("sync", {"since": 0})["snapshot"]["stage"]["stage"]


def test_stage_change_reaches_every_client_and_refuses_a_stale_one(live_rooms):
    room = live_rooms("welcome")
    lead, second = room.console(), room.console()
    phones = [room.phone(f"Phone {i}") for i in range(3)]
    try:
        start = current_stage(lead)
        target = "ideas" if start != "ideas" else "themes"
        first = lead.call("stage.change", {"from_stage": start, "to_stage": target})
        assert first["ok"] is True and first["stage"] == target
        # the co-facilitator clicked at the same moment, from the same stage: refused
        late = second.call("stage.change", {"from_stage": start, "to_stage": target})
        assert late["ok"] is False and late["error"]["code"] == "stale_stage"
        assert late["error"]["details"]["stage"] == target
        assert late["error"]["message"]  # a sentence for the person
        for client in [lead, second, *phones]:
            client.wait_for(lambda e: e["type"] == "stage.changed"
                            and e["data"]["stage"] == target)
        assert current_stage(phones[0]) == target
        assert [e for e in phones[0].events if e["type"] == "stage.changed"].__len__() == 1
    finally:
        for client in [lead, second, *phones]:
            client.disconnect()


def test_participant_cannot_move_the_room_or_replace_the_code(live_rooms):
    room = live_rooms("welcome")
    mobile = room.phone("Curious Phone")
    try:
        before = mobile.call("sync", {"since": 0})["snapshot"]
        stage = before["stage"]["stage"]
        for name, payload in [("stage.change", {"from_stage": stage, "to_stage": "closing"}),
                              ("joining.update", {"new_code": True}),
                              ("joining.update", {"joining_open": False})]:
            ack = mobile.call(name, payload)
            assert ack == {"ok": False, "error": {
                "code": "forbidden", "message": ack["error"]["message"]}}
        after = mobile.call("sync", {"since": 0})["snapshot"]
        assert after["stage"] == before["stage"] and after["joining"] == before["joining"]
    finally:
        mobile.disconnect()


def test_a_resend_is_acknowledged_without_being_applied_twice(live_rooms):
    room = live_rooms("welcome")
    lead = room.console()
    try:
        before = lead.call("sync", {"since": 0})["snapshot"]
        first = lead.call("joining.update", {"new_code": True}, op_id="resend-test-0001")
        again = lead.call("joining.update", {"new_code": True}, op_id="resend-test-0001")
        assert first["ok"] and again["ok"] and again.get("duplicate") is True
        assert again["join_code"] == first["join_code"] != before["joining"]["join_code"]
        after = lead.call("sync", {"since": before["seq"]})
        assert [e["type"] for e in after["events"]] == ["joining.updated"]
        room.code = first["join_code"]
    finally:
        lead.disconnect()


def test_a_phone_that_was_away_catches_up(live_rooms):
    room = live_rooms("welcome")
    lead, mobile = room.console(), room.phone("Away Phone")
    try:
        state = mobile.call("sync", {"since": 0})["snapshot"]
        seq, stage = state["seq"], state["stage"]["stage"]
        mobile.disconnect()
        nxt = "vote" if stage != "vote" else "confirm"
        assert lead.call("stage.change", {"from_stage": stage, "to_stage": nxt})["ok"]
        assert lead.call("stage.change", {"from_stage": nxt, "to_stage": stage})["ok"]
        facilitators_only = lead.call("joining.update", {"joining_open": True})
        assert facilitators_only["ok"]
        mobile.connect()
        caught_up = mobile.call("sync", {"since": seq})
        changes = [e["data"]["stage"] for e in caught_up["events"] if e["type"] == "stage.changed"]
        assert changes == [nxt, stage]
        seqs = [e["seq"] for e in caught_up["events"]]
        assert seqs == sorted(seqs) and seqs[0] > seq
    finally:
        lead.disconnect()
        mobile.disconnect()


def test_a_socket_without_identity_is_refused_with_a_reason(live_rooms):
    room = live_rooms("welcome")
    stranger = socketio.Client(reconnection=False)
    reasons = []
    stranger.on("connect_error", reasons.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        stranger.connect(room.base, auth={"workshop": room.id, "view": "phone"},
                         transports=["websocket"], wait_timeout=10)
    assert reasons and reasons[0]["data"]["code"] == "not_joined"
    assert "join the workshop" in reasons[0]["message"]
    with pytest.raises(socketio.exceptions.ConnectionError):
        socketio.Client(reconnection=False).connect(
            room.base, auth={"workshop": room.id, "view": "console"},
            transports=["websocket"], wait_timeout=10)


def test_joining_with_bad_input_saves_nothing(live_rooms, live_server):
    room = live_rooms("welcome")
    lead = room.console()
    try:
        count = len(lead.call("sync", {"since": 0})["snapshot"]["participants"]["list"])
        http = Http(room.base)
        wrong = http.post_form("/j", {"code": "ZZZZZZ"}, form_path="/j")
        assert wrong.status_code == 404 and "No workshop has this code" in wrong.text
        for data, message in [
            ({"name": "  ", "profile": "Ministry", "consent": "y"}, "Please write your name"),
            ({"name": "A", "profile": "Astronaut", "consent": "y"}, "choose your profile"),
            ({"name": "A", "profile": "Ministry"}, "tick the box"),
            ({"name": "A" * 81, "profile": "Ministry", "consent": "y"}, "too long"),
        ]:
            response = http.post_form(f"/j/{room.code}", data)
            assert response.status_code == 400 and message in response.text
        assert len(lead.call("sync", {"since": 0})["snapshot"]["participants"]["list"]) == count
    finally:
        lead.disconnect()


def test_the_same_form_sent_twice_counts_one_participant(live_rooms):
    room = live_rooms("welcome")
    lead = room.console()
    try:
        count = len(lead.call("sync", {"since": 0})["snapshot"]["participants"]["list"])
        http = Http(room.base)
        page = http.get(f"/j/{room.code}")
        data = {**form_fields(page.text), "name": "Double Tap", "profile": "Ministry",
                "consent": "y"}
        first = http.session.post(room.base + f"/j/{room.code}", data=data)
        other_browser = Http(room.base)
        other_browser.session.cookies.update({c.name: c.value for c in http.session.cookies
                                              if c.name == "session"})
        second = other_browser.session.post(room.base + f"/j/{room.code}", data=data)
        assert "/w/" in first.url and "/w/" in second.url
        people = lead.call("sync", {"since": 0})["snapshot"]["participants"]["list"]
        assert len(people) == count + 1
        assert [p["name"] for p in people].count("Double Tap") == 1
    finally:
        lead.disconnect()


def test_rejoin_code_brings_back_the_same_participant(live_rooms):
    room = live_rooms("welcome")
    first = join(room.base, room.code, "Ranya Rejoin", "Ministry")
    page = first.get(f"/w/{room.id}").text
    code = re.search(r'data-rejoin-code>(\w+)<', page).group(1)
    other = Http(room.base)  # an app's own browser: no cookie
    response = other.post_form(f"/j/{room.code}/rejoin", {"rejoin_code": code.lower()},
                               form_path=f"/j/{room.code}")
    assert "/w/" in response.url and "Ranya Rejoin" in response.text
    bad = Http(room.base).post_form(f"/j/{room.code}/rejoin", {"rejoin_code": "QQQQQQ"},
                                    form_path=f"/j/{room.code}")
    assert bad.status_code == 400 and "not known" in bad.text
    lead = room.console()
    try:
        names = [p["name"] for p in lead.call("sync", {"since": 0})["snapshot"]["participants"]["list"]]
        assert names.count("Ranya Rejoin") == 1
    finally:
        lead.disconnect()


def test_an_operation_the_server_does_not_know_is_answered_with_its_own_code(live_rooms):
    """Every request is answered: a misspelt (or newer) operation too, and nothing else
    about the socket changes."""
    room = live_rooms("welcome")
    lead, mobile = room.console(), room.phone("Typo Phone")
    try:
        for client in (lead, mobile):
            for payload in ({"op_id": "unknown-op-0001", "text": "x"}, None, "text", [1, 2]):
                ack = client.client.call("idea.psot", payload, timeout=15)
                assert ack["ok"] is False and ack["error"]["code"] == "unknown_operation", ack
                assert ack["error"]["details"] == {"operation": "idea.psot"}
                assert ack["error"]["message"]  # a sentence for the person
            assert client.call("sync", {"since": 0})["ok"]  # the socket still works
    finally:
        lead.disconnect()
        mobile.disconnect()


def test_a_request_with_more_than_one_payload_or_a_padded_op_id_is_answered_bad_request(live_rooms):
    """Every request gets an answer a person can read, never a server error: more than one
    payload, an op_id with a line break after it, an entry kind that is an object."""
    room = live_rooms("welcome")
    lead = room.console()
    try:
        for name, args in (("idea.post", ({"op_id": "two-payloads-0001", "text": "x"}, "more")),
                           ("sync", ({"since": 0}, {"since": 0})),
                           ("groups.propose", ({}, [1]))):
            ack = lead.client.call(name, args, timeout=15)
            assert ack["ok"] is False and ack["error"]["code"] == "bad_request", (name, ack)
            assert "more than one payload" in ack["error"]["message"]
        padded = lead.client.call("idea.post", {"op_id": "padded-op-id-0001\n", "text": "x"},
                                  timeout=15)
        assert padded["error"]["code"] == "bad_request"
        for entry in ({"kind": "objective"}, ["objective"]):
            ack = lead.call("entry.highlight", {"entry": entry, "entry_id": 1})
            assert ack["ok"] is False and ack["error"]["code"] == "bad_request", ack
        assert lead.call("sync", {"since": 0})["ok"]
    finally:
        lead.disconnect()


def test_the_socket_transports_answers_carry_the_security_headers(live_rooms):
    """Long-polling is answered by the Socket.IO middleware, not by a Flask view: its
    responses carry the same headers as the pages."""
    room = live_rooms("welcome")
    opened = requests.get(f"{room.base}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert opened.status_code == 200
    for response in (opened, requests.get(f"{room.base}/socket.io/?EIO=4&transport=nope",
                                          timeout=10)):
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def raw_call(live: Live, message: str) -> dict:
    """Send a hand-made Socket.IO EVENT message, `2<ack id><message>`, and wait for its ack."""
    answers, answered = [], threading.Event()
    ack_id = live.client._generate_ack_id(
        "/", lambda *args: (answers.append(args), answered.set()))
    live.client.eio.send(f"2{ack_id}{message}")
    assert answered.wait(15), f"no ack for {message[:60]}"
    return answers[0][0]


def test_a_message_the_server_cannot_read_is_answered_bad_request(live_rooms, live_server):
    """Broken JSON, an integer longer than Python converts (4,300 digits), no event name:
    each request gets `bad_request` with a sentence, the socket goes on, and the server
    logs one line for each, no traceback."""
    room = live_rooms("welcome")
    mobile = room.phone("Garbled Phone")
    log_start = live_server.log_path.stat().st_size
    try:
        for message in ('["idea.post",{"op_id":"truncated-0001","text":',
                        '["idea.post",{"op_id":"huge-number-0001","text":1' + "1" * 5000 + "}]",
                        '["sync",{"since":' + "9" * 4301 + "}]",
                        '{"sync":{"since":0}}'):
            ack = raw_call(mobile, message)
            assert ack == {"ok": False, "error": {"code": "bad_request",
                                                  "message": ack["error"]["message"]}}
            assert "could not be read" in ack["error"]["message"]
        assert mobile.call("sync", {"since": 0})["ok"]  # read after the four: all answered
        with live_server.log_path.open(encoding="utf-8", errors="replace") as log:
            log.seek(log_start)
            written = log.read()
        assert "Traceback" not in written
        assert written.count("Unreadable Socket.IO message") == 4
    finally:
        mobile.disconnect()
