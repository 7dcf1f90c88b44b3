"""A phone's snapshot carries what a phone shows (issue 19): the room's people as counts
(names only in its own group), the groups' sizes (members only of its own), the wall a
page at a time (its own cards always); the console's and the projector's stay complete.
In-process: snapshots as `sync` builds them, and the `ideas.page` query through a
Socket.IO test client."""
from __future__ import annotations

import json
from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy import event

from facilitator.extensions import db, socketio
from facilitator.live import operations
from facilitator.people import participants
from facilitator.sample import join
from facilitator.snapshot import snapshot
from tests.steps import do, last_seq, nonce_of, phone_of, seen_by, walk_to


def _authors(room, count: int) -> list:
    """Rania, Karim and `count` - 2 more phones (40 cards at most each)."""
    more = [participants.viewer_for(join(room["workshop"], nonce_of(f"Poster {n}"),
                                         f"Poster {n}", "", room["workshop"].profiles[0])[0])
            for n in range(count - 2)]
    return [room["rania"], room["karim"], *more]


def _post(authors: list, count: int) -> list[int]:
    """`count` cards, each author's in turn; their ids."""
    ids = []
    for n in range(count):
        ack = do(authors[n % len(authors)], "idea.post", text=f"Card {n}: a mentoring network",
                 kind="idea")
        assert ack["ok"], ack
        ids.append(ack["idea"]["id"])
    return ids


def _others(state) -> list[int]:
    return [card["id"] for card in state["ideas"]["list"] if not card["mine"]]


def _query(viewer, name, **fields):
    return operations.query(viewer, name, **fields)


@contextmanager
def _counted():
    """The SQL statements the block sends."""
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_phone_gets_counts_not_the_room_s_people(room_at):
    room = room_at("ideas")
    profile = room["workshop"].profiles[0]
    quiet = [join(room["workshop"], nonce_of(name), name, "Quiet Org", profile)[0]
             for name in ("Nour Saab", "Sami Aoun")]  # they post nothing
    state = snapshot(room["rania"])
    everyone = snapshot(room["console"])["participants"]
    people = state["participants"]
    assert people["count"] == len(everyone["list"]) == len(room["people"]) + 2
    assert people["by_profile"] == everyone["by_profile"]
    assert people["list"] == [{"id": room["rania"].participant_id, "name": "Rania Haddad"}]
    # nobody's name but hers and those of the cards' authors on the wall it shows
    shown = {a["id"] for card in state["ideas"]["list"] for a in card.get("authors", [])}
    text = json.dumps(state, ensure_ascii=False)
    hidden = [p for p in [*room["people"], *quiet]
              if p.id not in shown | {room["rania"].participant_id}]
    assert hidden and not [p.name for p in hidden if p.name in text]
    assert "Quiet Org" not in text
    # the projector's and the console's lists are whole
    assert len(snapshot(room["projector"])["participants"]["list"]) == len(room["people"]) + 2


def test_at_step_3_a_phone_names_its_own_group_and_nobody_else(room_at):
    room = room_at("objectives")
    phone = phone_of(room["rania"].participant_id)
    mine = phone.group_id
    state = snapshot(phone)
    people = {p.id: p for p in room["people"]}
    members = {p.id for p in room["people"] if p.group_id == mine}
    assert {p["id"] for p in state["participants"]["list"]} == members
    groups = {g["id"]: g for g in state["groups"]["list"]}
    assert sorted(groups[mine]["members"]) == sorted(members)
    for gid, group in groups.items():
        assert group["member_count"] == sum(1 for p in room["people"] if p.group_id == gid)
        assert gid == mine or "members" not in group
    # no name nor organisation of anyone outside the group (the phone shows no wall here:
    # only its own cards, which name their authors)
    assert _others(state) == []
    authors = {a["id"] for card in state["ideas"]["list"] for a in card.get("authors", [])}
    text = json.dumps(state, ensure_ascii=False)
    for pid, person in people.items():
        if pid in members or pid in authors:
            continue
        assert person.name not in text, person.name
        if person.organisation and not any(
                person.organisation == people[m].organisation for m in members | authors):
            assert person.organisation not in text, person.organisation
    # the console and the projector still get every group's members and every name
    for viewer in (room["console"], room["projector"]):
        whole = snapshot(viewer)
        assert sum(len(g["members"]) for g in whole["groups"]["list"]) == sum(
            1 for p in room["people"] if p.group_id)
        assert {p["name"] for p in whole["participants"]["list"]} == {
            p.name for p in room["people"]}


def test_a_phone_gets_the_newest_page_of_the_wall_and_all_its_own_cards(room):
    ids = _post(_authors(room, 2), 70)  # Rania's: the even ones
    rania = snapshot(room["rania"])
    ideas = rania["ideas"]
    newest = ids[-50:]
    assert _others(rania) == [i for i in newest if ids.index(i) % 2]
    assert [c["id"] for c in ideas["list"] if c["mine"]] == ids[0::2]  # the oldest too
    assert ideas["before"] == newest[0]
    assert ideas["earlier"] == 10  # Karim's cards older than the page
    assert [c["id"] for c in ideas["list"]] == sorted(c["id"] for c in ideas["list"])
    # the rest on request, as Rania may see them
    page = _query(room["rania"], "ideas.page", before=ideas["before"])
    assert page["ok"] and page["earlier"] == 0 and page["before"] is None
    assert [c["id"] for c in page["cards"]] == ids[:20]
    assert all(c["mine"] == (ids.index(c["id"]) % 2 == 0) for c in page["cards"])
    # the console and the projector have the whole wall
    for viewer in (room["console"], room["projector"]):
        assert [c["id"] for c in snapshot(viewer)["ideas"]["list"]] == ids


def test_the_wall_is_read_a_page_at_a_time_with_earlier_cards_counted(room):
    ids = _post(_authors(room, 4), 120)  # Karim's: every fourth, from the second

    def others(cards):
        return sum(1 for i in cards if ids.index(i) % 4 != 1)

    karim = snapshot(room["karim"])["ideas"]
    assert karim["earlier"] == others(ids[:70])  # not his own, which he has
    page = _query(room["karim"], "ideas.page", before=karim["before"])
    assert [c["id"] for c in page["cards"]] == ids[20:70]
    assert page["before"] == ids[20] and page["earlier"] == others(ids[:20])
    last = _query(room["karim"], "ideas.page", before=page["before"])
    assert [c["id"] for c in last["cards"]] == ids[:20] and last["earlier"] == 0
    # without `before`: the newest page
    assert [c["id"] for c in _query(room["karim"], "ideas.page")["cards"]] == ids[-50:]
    refused = _query(room["karim"], "ideas.page", before="12")
    assert refused["error"]["code"] == "bad_request"


def test_a_hidden_card_is_not_on_a_phone_s_page_and_its_author_is_told(room):
    ids = _post(_authors(room, 2), 60)
    assert do(room["console"], "idea.hide", idea_id=ids[0])["ok"]
    rania = snapshot(room["rania"])["ideas"]
    assert ids[0] not in [c["id"] for c in rania["list"]]
    assert [c["id"] for c in rania["set_aside"]] == [ids[0]]
    page = _query(room["karim"], "ideas.page", before=snapshot(room["karim"])["ideas"]["before"])
    assert ids[0] not in [c["id"] for c in page["cards"]]
    staff = _query(room["console"], "ideas.page", before=ids[1] + 1)
    assert [c["id"] for c in staff["cards"]] == ids[:2] and staff["cards"][0]["hidden"]


def test_where_a_phone_shows_no_wall_it_gets_only_its_own_cards(room):
    ids = _post(_authors(room, 2), 6)
    walk_to(room, "vote")
    state = snapshot(room["rania"])["ideas"]
    assert [c["id"] for c in state["list"]] == ids[0::2]
    assert state["earlier"] == 3 and state["before"] == ids[-1] + 1
    assert len(snapshot(room["projector"])["ideas"]["list"]) == 6
    # back at a stage that shows it, the newest page again
    walk_to(room, "themes")
    assert [c["id"] for c in snapshot(room["karim"])["ideas"]["list"]] == ids


def test_what_every_phone_sees_is_still_built_once_per_seq(room):
    _post(_authors(room, 2), 60)
    with _counted() as first:
        snapshot(room["rania"])
    with _counted() as second:
        snapshot(room["karim"])
    assert len(second) < len(first) and len(second) <= 3  # no query per card or person
    built = [key[-1] for key in current_app.extensions["facilitator.snapshots"]]
    assert built.count("phone") == 1


def test_arrivals_heard_only_by_the_screens_build_no_phone_snapshot_again(room):
    """A room joining moves the workshop's seq at every arrival, which only the screens
    hear of: what the phones see is built once, not once per arrival."""
    _post(_authors(room, 2), 10)
    snapshot(room["rania"])
    for n in range(3):
        join(room["workshop"], nonce_of(f"Arrival {n}"), f"Arrival {n}", "",
             room["workshop"].profiles[0])
    with _counted() as after:
        state = snapshot(room["karim"])
    assert len(after) <= 3 and state["seq"] == last_seq(room)  # the log's seq, now
    built = [key[-1] for key in current_app.extensions["facilitator.snapshots"]]
    assert built.count("phone") == 1
    do(room["rania"], "idea.post", text="One more card after the arrivals", kind="idea")
    assert "One more card" in json.dumps(snapshot(room["karim"]))  # a phone's change: again


def test_ideas_page_is_answered_on_a_phone_s_socket(app, room):
    ids = _post(_authors(room, 2), 55)
    browser = app.test_client()
    workshop_id = room["workshop"].id
    browser.set_cookie(participants.cookie_name(workshop_id),
                       participants.token_for_nonce(workshop_id, nonce_of("Karim Nassar")))
    g.__dict__.clear()
    phone = socketio.test_client(app, flask_test_client=browser,
                                 auth={"workshop": workshop_id, "view": "phone"})
    state = phone.emit("sync", {"since": 0}, callback=True)["snapshot"]
    assert state["participants"]["list"] == [
        {"id": room["karim"].participant_id, "name": "Karim Nassar"}]
    page = phone.emit("ideas.page", {"before": state["ideas"]["before"]}, callback=True)
    assert page["ok"] and [c["id"] for c in page["cards"]] == ids[:5]  # his own too
    assert [c["mine"] for c in page["cards"]] == [False, True, False, True, False]
    phone.disconnect()


def test_an_arrival_reaches_the_screens_and_only_the_newcomer_s_group(room_at):
    """A thousand phones joining must not send each phone a thousand arrivals: the
    consoles and the projector count and name newcomers; a phone hears of one only when
    the newcomer is placed in its own group (Step 3), whose members it names."""
    room = room_at("objectives")
    workshop, since = room["workshop"], last_seq(room)
    early, _token = join(workshop, nonce_of("Early Nadia"), "Nadia Early", "",
                         workshop.profiles[0])
    assert early.group_id is not None  # placed at once: the groups are working
    arrivals = {viewer_name: [d["participant"]["name"] for kind, d in seen_by(viewer, since)
                              if kind == "participant.joined"]
                for viewer_name, viewer in (("console", room["console"]),
                                            ("projector", room["projector"]))}
    assert arrivals == {"console": ["Nadia Early"], "projector": ["Nadia Early"]}
    for person in room["people"]:
        phone = phone_of(person)
        heard = [d for kind, d in seen_by(phone, since) if kind == "participant.joined"]
        assert heard == ([{"participant": participants.public(early)}]
                         if phone.group_id == early.group_id else []), person.name
    mate = next(p for p in room["people"] if p.group_id == early.group_id)
    assert "Nadia Early" in {p["name"] for p in snapshot(phone_of(mate))[
        "participants"]["list"]}


def test_before_the_groups_an_arrival_reaches_no_phone(room):
    since = last_seq(room)
    join(room["workshop"], nonce_of("Quiet Omar"), "Omar Quiet", "",
         room["workshop"].profiles[0])
    assert [kind for kind, _d in seen_by(room["karim"], since)] == []
    assert [kind for kind, _d in seen_by(room["projector"], since)] == ["participant.joined"]
