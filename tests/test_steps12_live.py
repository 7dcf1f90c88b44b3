"""Steps 1 and 2 over real sockets, against the eventlet server in a subprocess: cards
reaching every screen, resends, catching up, locked input, secret dots, and what a phone
may not do. Each test runs its own sample workshop (participants only, at the welcome
stage: conftest's `live_room`) and moves it with the console as a facilitator would."""
from __future__ import annotations

import uuid

import pytest

from tests.clients import Live, events_of, snapshot

pytestmark = pytest.mark.live
WAIT = 30.0  # generous: a slow machine must not fail these tests
TOTALS_EVENTS = ("votes.updated", "votes.revealed")


def move(console: Live, to_stage: str) -> None:
    stage = snapshot(console)["stage"]["stage"]
    ack = console.call("stage.change", {"from_stage": stage, "to_stage": to_stage})
    assert ack["ok"] and ack["stage"] == to_stage, ack


def post(phone: Live, text: str, kind: str = "idea", origin: str = "", **kw) -> dict:
    ack = phone.call("idea.post", {"text": text, "kind": kind, "origin": origin}, **kw)
    assert ack["ok"], ack
    return ack["idea"]


def posted(card_id: int):
    return lambda e: e["type"] == "idea.posted" and e["data"]["idea"]["id"] == card_id


def refused(ack: dict, code: str) -> dict:
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    assert ack["error"]["message"]  # a sentence for the person
    return ack["error"]


def test_a_card_from_one_phone_reaches_the_other_phones_projector_and_console(live_room):
    room = live_room("welcome")
    lead, screen = room.console(), room.projector()
    author, first, second = (room.phone(n) for n in ("Rania Haddad", "Karim Nassar",
                                                      "Maya Khoury"))
    move(lead, "ideas")
    card = post(author, "A one-stop shop for diaspora investors", kind="practice",
                origin="Ireland")
    assert card["mine"] is True
    for client in (first, second, screen, lead):
        event = client.wait_for(posted(card["id"]), timeout=WAIT)
        shown = event["data"]["idea"]
        assert shown["text"] == "A one-stop shop for diaspora investors"
        assert shown["kind"] == "practice" and shown["origin"] == "Ireland"
        assert [a["name"] for a in shown["authors"]] == ["Rania Haddad"]
        assert event["seq"] > 0
    for client in (first, screen, lead):
        assert [c["id"] for c in snapshot(client)["ideas"]["list"]] == [card["id"]]


def test_a_resent_card_is_acknowledged_as_a_duplicate_and_posted_once(live_room):
    room = live_room("welcome")
    lead, mobile = room.console(), room.phone("Karim Nassar")
    move(lead, "ideas")
    op_id = "steps12-resend-" + uuid.uuid4().hex[:8]
    payload = {"text": "Mentoring by diaspora experts", "kind": "idea"}
    first = mobile.call("idea.post", payload, op_id=op_id)
    again = mobile.call("idea.post", payload, op_id=op_id)
    assert first["ok"] and "duplicate" not in first
    assert again["ok"] and again["duplicate"] is True
    assert again["idea"]["id"] == first["idea"]["id"]
    for client in (lead, mobile):
        wall = snapshot(client)["ideas"]["list"]
        assert [(c["id"], c["text"]) for c in wall] == [
            (first["idea"]["id"], "Mentoring by diaspora experts")]


def test_a_phone_that_was_away_catches_up_on_the_cards_in_order(live_room):
    room = live_room("welcome")
    lead = room.console()
    away, first, second = (room.phone(n) for n in ("Away Phone", "Lina Farhat",
                                                    "Omar Itani"))
    move(lead, "ideas")
    seq = snapshot(away)["seq"]
    away.disconnect()
    texts = ["Diaspora database by sector", "Success stories campaign",
             "Matchmaking platform", "Diaspora bonds for the regions"]
    ids = [post(phone, text)["id"]
           for phone, text in zip([first, second, first, second], texts)]
    away.connect()
    caught_up = away.call("sync", {"since": seq})
    assert caught_up["ok"] and "snapshot" not in caught_up, caught_up
    events = caught_up["events"]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and seqs[0] > seq
    cards = [e["data"]["idea"] for e in events if e["type"] == "idea.posted"]
    assert [c["id"] for c in cards] == ids and [c["text"] for c in cards] == texts
    # the snapshot agrees with what the events built
    assert [c["id"] for c in snapshot(away)["ideas"]["list"]] == ids


def test_a_card_sent_after_the_input_is_locked_is_refused_and_kept_on_the_phone(live_room):
    room = live_room("welcome")
    lead, mobile, other = room.console(), room.phone("Late Phone"), room.phone("Watcher")
    move(lead, "ideas")
    on_time = post(mobile, "Sent in time")
    locked = lead.call("ideas.settings", {"input_locked": True})
    assert locked["ok"] and locked["input_locked"] is True
    mobile.wait_for(lambda e: e["type"] == "ideas.settings" and e["data"]["input_locked"],
                    timeout=WAIT)
    error = refused(mobile.call("idea.post", {"text": "Sent too late", "kind": "idea"}),
                    "input_locked")
    assert "text is kept" in error["message"]
    assert [c["id"] for c in snapshot(lead)["ideas"]["list"]] == [on_time["id"]]
    # the barrier: an event for everyone after the refusal; no card came before it
    assert lead.call("ideas.settings", {"input_locked": False})["ok"]
    other.wait_for(lambda e: e["type"] == "ideas.settings"
                   and e["data"]["input_locked"] is False, timeout=WAIT)
    assert [e["data"]["idea"]["text"] for e in events_of(other, "idea.posted")] == [
        "Sent in time"]


def test_dots_stay_secret_until_revealed_and_the_budget_holds(live_room):
    room = live_room("welcome")
    lead, screen = room.console(), room.projector()
    voter, second, watcher = (room.phone(n) for n in ("Voter", "Second Voter", "Watcher"))
    move(lead, "ideas")
    post(voter, "Investment framework")
    move(lead, "themes")
    themes = []
    for title in ("Framework", "Partnerships", "Data", "Finance"):
        ack = lead.call("theme.create", {"title": title})
        assert ack["ok"], ack
        themes.append(ack["theme"]["id"])
    move(lead, "vote")
    assert lead.call("voting.update", {"open": True})["open"] is True

    for n, theme_id in enumerate(themes[:3]):
        ack = voter.call("dot.place", {"theme_id": theme_id})
        assert ack["ok"] and ack["dots_left"] == 2 - n, ack
    error = refused(voter.call("dot.place", {"theme_id": themes[3]}), "no_dots_left")
    assert "3" in error["message"]
    assert second.call("dot.place", {"theme_id": themes[0]})["ok"]

    # the console follows the count as it happens
    lead.wait_for(lambda e: e["type"] == "votes.updated"
                  and sum(t["dots"] for t in e["data"]["totals"]) == 4, timeout=WAIT)
    # barrier: an event for everyone, sent after every dot; phones and projector get it
    barrier = lead.call("voting.update", {"allow_multiple": False})
    assert barrier["ok"]
    for client in (voter, second, watcher, screen):
        client.wait_for(lambda e: e["type"] == "voting.updated"
                        and e["data"]["allow_multiple"] is False, timeout=WAIT)
    for client in (voter, second, watcher, screen):
        assert events_of(client, *TOTALS_EVENTS) == []
        assert not any("totals" in e["data"] or "results" in e["data"] for e in client.events)
        state = snapshot(client)["priorities"]
        assert state["totals"] is None and state["results"] is None
    assert snapshot(voter)["priorities"]["mine"]["dots_left"] == 0
    # a phone hears only of its own dots
    assert [e["data"]["dots_left"] for e in events_of(voter, "dots.mine")] == [2, 1, 0]
    assert events_of(watcher, "dots.mine") == []
    staff = snapshot(lead)["priorities"]
    assert {t["theme_id"]: t["dots"] for t in staff["totals"]} == {
        themes[0]: 2, themes[1]: 1, themes[2]: 1, themes[3]: 0}

    revealed = lead.call("voting.update", {"revealed": True})
    assert revealed["ok"] and revealed["revealed"] is True
    for client in (voter, second, watcher, screen):
        event = client.wait_for(lambda e: e["type"] == "votes.revealed", timeout=WAIT)
        rows = event["data"]["results"]
        assert [(r["theme"]["id"], r["dots"]) for r in rows][:1] == [(themes[0], 2)]
        assert {r["theme"]["id"]: r["dots"] for r in rows} == {
            themes[0]: 2, themes[1]: 1, themes[2]: 1, themes[3]: 0}
        assert snapshot(client)["priorities"]["totals"] is not None


def test_participants_cannot_moderate_run_the_vote_or_confirm(live_room):
    room = live_room("welcome")
    lead, mobile, other = room.console(), room.phone("Curious Phone"), room.phone("Other")
    move(lead, "ideas")
    mine = post(mobile, "My own card")
    theirs = post(other, "Someone else's card")
    move(lead, "themes")
    themes = [lead.call("theme.create", {"title": t})["theme"]["id"]
              for t in ("Framework", "Partnerships", "Data")]
    move(lead, "vote")
    before = snapshot(lead)

    for name, payload in [
        ("idea.hide", {"idea_id": theirs["id"]}),
        ("idea.hide", {"idea_id": mine["id"]}),
        ("idea.merge", {"into_id": mine["id"], "idea_ids": [theirs["id"]]}),
        ("voting.update", {"open": True}),
        ("voting.update", {"revealed": True}),
        ("priorities.confirm", {"theme_ids": themes, "titles": ["A", "B", "C"]}),
    ]:
        refused(mobile.call(name, payload), "forbidden")

    after = snapshot(lead)
    assert after["seq"] == before["seq"]  # nothing was logged: nothing changed
    assert after["ideas"] == before["ideas"] and after["priorities"] == before["priorities"]
    assert not any(card["hidden"] for card in after["ideas"]["list"])
    assert after["priorities"]["voting"]["open"] is False
    assert after["priorities"]["confirmed"] == []


def test_the_full_sample_seminar_opens_on_the_console_at_confirm(live_room):
    room = live_room("confirm")
    lead, mobile = room.console(), room.phone("Late Arrival")
    state = snapshot(lead)
    assert state["stage"]["stage"] == "confirm"
    assert len([c for c in state["ideas"]["list"] if not c["hidden"]]) >= 38
    assert len(state["priorities"]["themes"]) >= 5
    assert [p["confirmed_rank"] for p in state["priorities"]["confirmed"]] == [1, 2, 3]
    phone_state = snapshot(mobile)
    assert phone_state["priorities"]["confirmed"] == state["priorities"]["confirmed"]
    assert phone_state["priorities"]["totals"] is not None  # revealed
