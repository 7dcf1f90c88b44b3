"""The live layer under role changes and hostile input, over real sockets against the
eventlet server: rights on every event, op_ids scoped to their sender, an ack for every
request, streams that show a missed event, and a server that survives its file limit."""
from __future__ import annotations

import re
import time

import pytest
import requests
import socketio
import websocket

from tests.clients import Http, Live, join, sign_in, snapshot
from tests.support import LiveServer

pytestmark = pytest.mark.live
CO = ("co-layer@example.org", "co-password")
WAIT = 10


@pytest.fixture(scope="module")
def co_account(live_server):
    """A second facilitator's account, for the owner to add to the team."""
    live_server.flask("create-facilitator", "--email", CO[0], "--name", "Co Layer",
                      "--password", CO[1])
    return CO


def set_member(room, owner_http: Http, email: str, role: str | None) -> None:
    """The owner adds, changes or removes a member through the real settings page."""
    edit = f"/workshops/{room.id}/edit"
    if role is not None:
        owner_http.post_form(f"/workshops/{room.id}/members",
                             {"email": email, "role": role}, form_path=edit)
        return
    page = owner_http.get(edit).text
    action = re.search(r'action="(/workshops/\d+/members/(\d+)/remove)"', page)
    assert action, "the settings page lists the co-facilitator with a remove button"
    owner_http.post_form(action.group(1), {}, form_path=edit)


def anonymous_card(lead: Live, mobile: Live, text: str) -> None:
    assert lead.call("ideas.settings", {"anonymous": True})["ok"]
    assert mobile.call("idea.post", {"text": text, "kind": "idea"})["ok"]


def test_a_removed_cofacilitator_is_cut_off_by_the_server_at_once(live_rooms, co_account):
    """Its console and projector ignore the server's `resync` (a client the server must
    not trust): the server disconnects them itself, and they cannot come back."""
    room = live_rooms("ideas")
    owner_http = sign_in(room.base, *room.owner)
    set_member(room, owner_http, co_account[0], "cofacilitator")
    lead, mobile = room.console(), room.phone("Nadia Rights")
    co_http = sign_in(room.base, *co_account)
    co, screen = (Live(room.base, co_http, room.id, view, follows_resync=False).connect()
                  for view in ("console", "projector"))
    try:
        snapshot(co)
        assert co.call("ideas.settings", {"anonymous": False})["ok"]  # a co-facilitator runs it
        set_member(room, owner_http, co_account[0], None)
        assert co.disconnected.wait(10) and screen.disconnected.wait(10)
        for view in ("console", "projector"):
            with pytest.raises(socketio.exceptions.ConnectionError):
                Live(room.base, co_http, room.id, view).connect()
        anonymous_card(lead, mobile, "Author hidden from removed consoles")
        assert snapshot(lead)["stage"]["stage"] == "ideas"
        assert not mobile.disconnected.is_set() and not lead.disconnected.is_set()
    finally:
        for client in (lead, co, screen, mobile):
            client.disconnect()


def test_a_demoted_cofacilitator_reads_everything_and_changes_nothing(live_rooms, co_account):
    room = live_rooms("ideas")
    owner_http = sign_in(room.base, *room.owner)
    set_member(room, owner_http, co_account[0], "cofacilitator")
    lead, co, mobile = room.console(), room.console(co_account), room.phone("Omar Demoted")
    try:
        set_member(room, owner_http, co_account[0], "organiser")
        co.wait_for(lambda e: e["type"] == "membership.changed"
                    and e["data"]["role"] == "organiser")
        ack = co.call("ideas.settings", {"input_locked": True})
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
        assert "Organisers" in ack["error"]["message"]
        assert co.call("themes.suggest", {})["ok"] is True  # reading is allowed
        state = snapshot(co)
        assert state["me"]["role"] == "organiser" and state["scope"].endswith("/*")
        anonymous_card(lead, mobile, "Organisers see who wrote this")
        co.wait_for(lambda e: e["type"] == "idea.posted" and e["stream"] == "facilitators"
                    and "Organisers see" in e["data"]["idea"]["text"])
    finally:
        set_member(room, owner_http, co_account[0], None)
        for client in (lead, co, mobile):
            client.disconnect()


def test_signing_out_over_http_closes_the_open_consoles(live_rooms):
    room = live_rooms("ideas")
    lead_http = sign_in(room.base, *room.owner)
    lead = Live(room.base, lead_http, room.id, "console").connect()
    other = room.console()  # the same person on another browser
    mobile = room.phone("Sami Signout")
    try:
        snapshot(lead)
        lead_http.post_form("/logout", {}, form_path="/workshops/")
        # every console of the account is disconnected by the server, on every browser
        assert lead.disconnected.wait(10) and other.disconnected.wait(10)
        with pytest.raises(socketio.exceptions.ConnectionError):
            Live(room.base, lead_http, room.id, "console").connect()
        assert mobile.call("idea.post", {"text": "After the sign-out", "kind": "idea"})["ok"]
    finally:
        for client in (lead, other, mobile):
            client.disconnect()


def test_an_op_id_reused_by_someone_else_leaks_nothing(live_rooms):
    room = live_rooms("ideas")
    lead, rania, karim = room.console(), room.phone("Rania Reuse"), room.phone("Karim Reuse")
    try:
        anonymous_card(lead, rania, "A card the facilitator will hide")
        card = rania.wait_for(lambda e: e["type"] == "idea.posted"
                              and "will hide" in e["data"]["idea"]["text"])["data"]["idea"]
        hidden = lead.call("idea.hide", {"idea_id": card["id"]}, op_id="hide-reused-0001")
        assert hidden["ok"] and hidden["idea"]["authors"][0]["name"] == "Rania Reuse"
        stolen = karim.call("idea.hide", {"idea_id": card["id"]}, op_id="hide-reused-0001")
        assert stolen == {"ok": False, "error": {"code": "forbidden",
                                                 "message": stolen["error"]["message"]}}
        other_op = karim.call("idea.post", {"text": "Mine", "kind": "idea"},
                              op_id="hide-reused-0001")
        assert other_op["ok"] is False and other_op["error"]["code"] == "op_id_taken"
        first = rania.call("idea.post", {"text": "Rania's own card", "kind": "idea"},
                           op_id="post-reused-0001")
        assert first["ok"] and first["idea"]["mine"] is True
        copied = karim.call("idea.post", {"text": "Karim's own card", "kind": "idea"},
                            op_id="post-reused-0001")
        assert copied["ok"] is False and copied["error"]["code"] == "op_id_taken"
        assert "Rania" not in str(copied)
        again = rania.call("idea.post", {"text": "Rania's own card", "kind": "idea"},
                           op_id="post-reused-0001")
        assert again["duplicate"] is True and again["idea"] == first["idea"]
    finally:
        assert lead.call("ideas.settings", {"anonymous": False})["ok"]
        for client in (lead, rania, karim):
            client.disconnect()


def _raw_ack(live: Live, raw_event: str) -> dict:
    """Send a hand-made Socket.IO EVENT packet and wait for its ack."""
    answers = []
    ack_id = live.client._generate_ack_id("/", lambda *args: answers.append(args))
    live.client.eio.send(f"2{ack_id}{raw_event}")
    deadline = time.monotonic() + WAIT
    while not answers and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answers, f"no ack for {raw_event[:60]}"
    return answers[0][0]


def test_every_bad_payload_gets_an_ack_and_no_traceback(live_rooms, live_server):
    room = live_rooms("ideas")
    lead, mobile = room.console(), room.phone("Hostile Phone")
    try:
        card = mobile.call("idea.post", {"text": "A card to merge into", "kind": "idea"})
        cases = [
            (mobile, "idea.post", {"text": "lone \ud800 surrogate", "kind": "idea"}, "bad_text"),
            (mobile, "idea.post", {"text": ["a", "b"], "kind": "idea"}, "bad_request"),
            (mobile, "idea.post", {"text": {"a": 1}, "kind": "idea"}, "bad_request"),
            (mobile, "idea.post", {"text": "x" * 600, "kind": "idea"}, "too_long"),
            (mobile, "idea.post", {"text": "y" * 200_000, "kind": "idea"}, "too_long"),
            (mobile, "idea.edit", {"idea_id": 2**63, "text": "big id"}, "not_found"),
            (mobile, "dot.place", {"theme_id": 2**64}, None),
            (lead, "idea.hide", {"idea_id": 10**20}, "not_found"),
            (lead, "ideas.settings", {"input_locked": "false"}, "bad_request"),
            (lead, "joining.update", {"joining_open": "no"}, "bad_request"),
            (lead, "timer.start", {"seconds": 2**63}, "bad_number"),
            (lead, "idea.merge", {"into_id": card["idea"]["id"], "idea_ids": [2**63]},
             "bad_request"),
            (lead, "theme.create", {"title": ["list"]}, "bad_request"),
        ]
        for client, name, payload, code in cases:
            ack = client.call(name, payload)
            assert ack["ok"] is False, (name, payload, ack)
            if code:
                assert ack["error"]["code"] == code, (name, ack)
            assert ack["error"]["message"] and "Traceback" not in str(ack)
        assert mobile.call("sync", {"since": 2**63})["ok"] is False
        assert mobile.call("sync", {"since": "12"})["error"]["code"] == "bad_request"
        beyond = mobile.call("sync", {"since": 2**31 - 2})
        assert "snapshot" in beyond  # ahead of the log (a restored database): a snapshot
        assert not snapshot(lead)["ideas"]["settings"]["input_locked"]
        nested = "[" * 5000 + "]" * 5000
        for raw in (f'["idea.post",{nested}]', f'["sync",{nested}]'):
            ack = _raw_ack(mobile, raw)
            assert ack["ok"] is False and ack["error"]["code"] == "bad_request"
        assert mobile.client.connected and mobile.call("sync", {"since": 0})["ok"]
        assert requests.get(f"{room.base}/workshops/{10**19}/console").status_code in (302, 404)
        assert requests.get(f"{room.base}/w/{10**19}").status_code == 404
    finally:
        lead.disconnect()
        mobile.disconnect()


def test_each_event_names_the_previous_one_of_its_stream(live_rooms):
    room = live_rooms("ideas")
    lead, mobile = room.console(), room.phone("Stream Phone")
    try:
        state = snapshot(mobile)
        heads = dict(state["streams"])
        assert set(heads) <= {"all", f"p{state['me']['id']}"}
        for text in ("First in the stream", "Second in the stream"):
            assert mobile.call("idea.post", {"text": text, "kind": "idea"})["ok"]
        lead.call("ideas.settings", {"anonymous": True})
        lead.call("ideas.settings", {"anonymous": False})
        mobile.wait_for(lambda e: e["type"] == "ideas.settings"
                        and e["data"]["anonymous"] is False)
        for event in list(mobile.events):
            assert event["stream"] in ("all", f"p{state['me']['id']}"), event
            assert event["prev"] == heads.get(event["stream"], 0), (event, heads)
            heads[event["stream"]] = event["seq"]
        # the console sees every stream, the facilitators' one included, chained the same way
        console_streams = {e["stream"] for e in lead.events}
        assert "facilitators" in console_streams or lead.events
    finally:
        lead.disconnect()
        mobile.disconnect()


def _healthy(server: LiveServer, within: float = 30) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if requests.get(server.url + "/healthz", timeout=2).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False


def test_a_server_limited_to_256_open_files_survives_300_connections(tmp_path):
    server = LiveServer(tmp_path)
    server.start(open_files=256)
    sockets = []
    try:
        url = server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        refused = 0
        for _ in range(300):
            try:
                sockets.append(websocket.create_connection(url, timeout=5))
            except (websocket.WebSocketException, OSError):
                refused += 1
        assert server.process.poll() is None, server.log_path.read_text()[-2000:]
        assert len(sockets) > 150 and refused > 0  # past the cap: refused, not killed
        log = server.log_path.read_text()
        assert "soft limit 256" in log and "connections at once" in log
        for sock in sockets:
            sock.close()
        sockets.clear()
        assert _healthy(server) and server.process.poll() is None
        workshop_id, code = server.sample("files@example.org", "files-password")
        after = Live(server.url, join(server.url, code, "After the storm", "Ministry"),
                     workshop_id, "phone").connect()
        assert after.call("sync", {"since": 0})["ok"]
        after.disconnect()
    finally:
        for sock in sockets:
            sock.close()
        server.stop()
