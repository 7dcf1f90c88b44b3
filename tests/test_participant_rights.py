"""A person's rights over their data (docs/privacy.md), in-process: the facilitators
remove or anonymise a participant, a participant downloads their own data and asks to be
forgotten while the workshop is open. What they wrote stays, without their name; their
name leaves every row, the event log and the kept acks included; a removed phone is cut
off by the server at once, and the rest of the room is told with an id only."""
from __future__ import annotations

import json

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import select

from facilitator import archive, create_app, workshops
from facilitator.extensions import db, socketio
from facilitator.identity import Identity
from facilitator.models import (ClosingRecord, CommitteeMember, Idea, Participant,
                                SuccessFactor, Vote)
from facilitator.people import accounts, participants, rights
from facilitator.sample import create_sample
from facilitator.snapshot import snapshot
from tests.steps import do, last_seq, make_room, nonce_of, seen_by

RANIA = "Rania Haddad"
EMAIL = "rania.rights@example.org"


def rows_holding(needle: str) -> list[str]:
    """Every table with a row whose text holds `needle`."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            if needle in repr(tuple(row)) or needle in json.dumps(
                    [v for v in row if isinstance(v, (dict, list))]):
                found.append(table.name)
                break
    db.session.rollback()
    return found


def token_of(room, name: str) -> str:
    """The cookie token the phone of `name` got when it joined (tests/steps.make_room)."""
    return participants.token_for_nonce(room["workshop"].id, nonce_of(name))


def connect(app, room, view: str, name: str | None = None):
    """A socket of this view: a phone with the person's cookie, or the owner's console."""
    browser = app.test_client()
    workshop_id = room["workshop"].id
    if name is None:
        browser.post("/login", data={"email": "owner@example.org",
                                     "password": "owner-password"})
    else:
        browser.set_cookie(participants.cookie_name(workshop_id), token_of(room, name))
    g.__dict__.clear()
    return socketio.test_client(app, flask_test_client=browser,
                                auth={"workshop": workshop_id, "view": view})


def events(socket) -> list[dict]:
    return [m["args"][0] for m in socket.get_received() if m["name"] == "event"]


def test_removal_cuts_the_phone_off_and_tells_the_room_with_an_id_only(app, room):
    rania, karim, console = room["rania"], room["karim"], room["console"]
    card = do(rania, "idea.post", text="A one-stop shop for diaspora investors")["idea"]
    rania_phone, karim_phone = connect(app, room, "phone", RANIA), connect(
        app, room, "phone", "Karim Nassar")
    lead = connect(app, room, "console")
    assert rania_phone.is_connected() and karim_phone.is_connected() and lead.is_connected()
    for socket in (rania_phone, karim_phone, lead):
        socket.get_received()

    ack = do(console, "participant.remove", participant_id=rania.participant_id)
    assert ack == {"ok": True, "participant_id": rania.participant_id}
    # the server disconnected her phone itself, whatever its client does
    assert not rania_phone.is_connected()
    # its cookie no longer speaks for anyone: no new socket, no change, no sync
    assert not connect(app, room, "phone", RANIA).is_connected()
    gone = Identity(workshop_id=room["workshop"].id, view="phone",
                    participant_id=rania.participant_id,
                    token_hash=participants.token_hash(token_of(room, RANIA)))
    assert do(gone, "idea.post", text="Still here?")["error"]["code"] == "signed_out"
    # the others hear of it: her card without her name, then her id
    heard = events(karim_phone)
    assert [e["type"] for e in heard] == ["idea.updated", "participant.removed"]
    assert heard[0]["data"]["idea"] == {**heard[0]["data"]["idea"], "id": card["id"],
                                        "text": card["text"], "authors": []}
    assert heard[1]["data"] == {"participant_id": rania.participant_id}
    assert RANIA not in json.dumps(heard)
    console_heard = events(lead)
    assert console_heard[-1]["type"] == "participant.removed"
    assert RANIA not in json.dumps(console_heard)
    # the console's list, the projector's counts, the phones' walls
    for viewer in (console, room["projector"], karim):
        state = snapshot(viewer)
        assert [p["name"] for p in state["participants"]["list"]] == ["Karim Nassar"]
        assert sum(state["participants"]["by_profile"].values()) == 1
        assert [(c["text"], c.get("authors")) for c in state["ideas"]["list"]] == [
            (card["text"], [])]
    assert RANIA not in json.dumps(seen_by(console, 1))
    karim_phone.disconnect()
    lead.disconnect()


def test_a_removed_participants_name_is_nowhere_and_their_work_stays(app, room):
    """Cards (with a co-signed merge), dots, a success factor, endorsements, a committee
    sign-up: what only she owns goes, what she gave the room stays without her name."""
    rania, karim, console = room["rania"], room["karim"], room["console"]
    hers = do(rania, "idea.post", text="Rania's card stays on the wall")["idea"]
    his = do(karim, "idea.post", text="Karim's card")["idea"]
    merged = do(console, "idea.merge", into_id=his["id"], idea_ids=[
        do(rania, "idea.post", text="Merged into Karim's")["idea"]["id"]])["idea"]
    assert {a["name"] for a in merged["authors"]} == {RANIA, "Karim Nassar"}
    theme = do(console, "theme.create", title="Diaspora")["theme"]
    do(console, "idea.assign", idea_id=hers["id"], theme_id=theme["id"])
    do(console, "stage.change", from_stage="ideas", to_stage="vote")
    do(console, "voting.update", open=True)
    assert do(rania, "dot.place", theme_id=theme["id"])["ok"]
    do(console, "stage.change", from_stage="vote", to_stage="closing")
    factor = do(rania, "factor.propose", text="A coordinator paid for two years")["factor"]
    karims = do(karim, "factor.propose", text="Karim's factor")["factor"]
    assert do(karim, "factor.endorse", factor_id=factor["id"])["ok"]
    assert do(rania, "factor.endorse", factor_id=karims["id"])["ok"]
    assert do(rania, "committee.join", role="Link", email=EMAIL, consent=True)["ok"]
    assert do(console, "workshop.close")["ok"]  # a request answered once the room is over
    before = last_seq(room)
    assert set(rows_holding(RANIA)) >= {"participant", "event", "applied_operation"}

    ack = do(console, "participant.remove", participant_id=rania.participant_id)
    assert ack["ok"], ack
    assert rows_holding(RANIA) == [] and rows_holding(EMAIL) == []
    assert db.session.get(Participant, rania.participant_id) is None
    texts = {i.text: i for i in db.session.scalars(select(Idea))}
    assert texts[hers["text"]].participant_id is None
    assert texts["Karim's card"].extra_authors == []
    assert db.session.scalars(select(Vote)).all() == []
    factors = {f.text: f for f in db.session.scalars(select(SuccessFactor))}
    assert factors[factor["text"]].author_id is None
    assert factors[factor["text"]].endorsements == [karim.participant_id]
    assert factors["Karim's factor"].endorsements == []
    assert db.session.scalars(select(CommitteeMember)).all() == []
    # recorded, as every change once closed, with an id only
    record = db.session.scalars(select(ClosingRecord).order_by(ClosingRecord.id)).all()[-1]
    assert (record.kind, record.operation, record.fields) == (
        "withdrawal", "participant.remove", {"participant_id": rania.participant_id})
    heard = [t for t, _data in seen_by(console, before)]
    assert heard[:2] == ["committee.left", "votes.updated"]
    assert heard[-2:] == ["participant.removed", "closing.recorded"] and "factor.saved" in heard
    assert RANIA not in json.dumps(seen_by(karim, 0 + 1))


@pytest.mark.sqlite
def test_a_removed_participants_name_leaves_no_byte_in_the_database_file(tmp_path):
    """On the venue laptop's SQLite file, once checkpointed: secure_delete zeroes the
    rows and the log's old texts (the copies in instance/backups/: docs/privacy.md)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'f.sqlite'}")
    with app.app_context():
        upgrade()
        rooms = make_room(app)
        try:
            room = next(rooms)
            for n in range(3):
                do(room["rania"], "idea.post", text=f"Card {n} stays")
            assert do(room["console"], "participant.remove",
                      participant_id=room["rania"].participant_id)["ok"]
            db.session.remove()
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0] == 0
            files = [path for path in instance.rglob("*") if path.is_file()]
            assert [p.name for p in files if b"Card 2 stays" in p.read_bytes()] == ["f.sqlite"]
            assert [p.name for p in files if RANIA.encode() in p.read_bytes()] == []
        finally:
            rooms.close()
            db.session.remove()
            db.engine.dispose()


def test_anonymising_keeps_the_cards_and_renames_everywhere_a_viewer_looks(app, room):
    rania, console = room["rania"], room["console"]
    card = do(rania, "idea.post", text="A shared investor aftercare desk")["idea"]
    lead = connect(app, room, "console")
    lead.get_received()

    ack = do(console, "participant.anonymise", participant_id=rania.participant_id)
    label = f"Participant {rania.participant_id}"
    assert ack["participant"] == {**ack["participant"], "name": label, "organisation": ""}
    assert rows_holding(RANIA) == []
    for viewer in (console, room["projector"], room["karim"], rania):
        state = snapshot(viewer)
        people = {p["id"]: p for p in state["participants"]["list"]}
        if viewer is not room["karim"]:  # another phone is told no name outside its group
            assert people[rania.participant_id]["name"] == label
        assert [a["name"] for a in state["ideas"]["list"][0]["authors"]] == [label]
        assert RANIA not in json.dumps(state)
    assert snapshot(rania)["me"]["name"] == label
    heard = events(lead)
    assert heard[-1]["type"] == "participant.updated"
    assert heard[-1]["data"]["participant"]["name"] == label
    assert RANIA not in json.dumps(heard) + json.dumps(seen_by(console, 1))
    # she keeps taking part, unnamed
    again = do(rania, "idea.edit", idea_id=card["id"], text="A shared aftercare desk")
    assert again["ok"] and again["idea"]["authors"] == [
        {"id": rania.participant_id, "name": label}]
    lead.disconnect()


def test_a_participant_downloads_their_own_data_and_nobody_elses(app, room):
    rania, karim = room["rania"], room["karim"]
    do(rania, "idea.post", text="My card about aftercare")
    do(karim, "idea.post", text="Karim's card about visas")
    browser = app.test_client()
    url = f"/w/{room['workshop'].id}/my-data.json"
    assert browser.get(url).status_code == 403  # no cookie, nobody's data
    browser.set_cookie(participants.cookie_name(room["workshop"].id), token_of(room, RANIA))
    response = browser.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_json()
    assert data["you"]["name"] == RANIA and data["you"]["organisation"] == "IDAL"
    assert data["you"]["joined_at"] and data["you"]["consented_at"]
    assert [c["text"] for c in data["cards"]] == ["My card about aftercare"]
    text = response.get_data(as_text=True)
    assert "Karim" not in text and "visas" not in text


def test_forgetting_oneself_while_open_and_refused_once_closed(app, room):
    rania, karim, console = room["rania"], room["karim"], room["console"]
    card = do(rania, "idea.post", text="Forgotten author, kept card")["idea"]
    assert do(console, "participant.forget")["error"]["code"] == "forbidden"
    ack = do(rania, "participant.forget")
    assert ack == {"ok": True, "participant_id": rania.participant_id}
    assert rows_holding(RANIA) == []
    assert [c["text"] for c in snapshot(console)["ideas"]["list"]] == [card["text"]]
    assert do(rania, "idea.post", text="again")["error"]["code"] == "signed_out"

    assert do(console, "workshop.close")["ok"]
    refused = do(karim, "participant.forget")
    assert refused["error"]["code"] == "workshop_closed"
    assert "ask the workshop's facilitators" in refused["error"]["message"]
    assert db.session.get(Participant, karim.participant_id) is not None


def test_the_archive_round_trips_once_people_are_removed_and_anonymised(app):
    """A removed rapporteur's entries, syntheses and cards stay without an author; the
    workshop's file still imports (who changed an entry is nobody, not a missing id)."""
    with app.test_request_context():
        workshop = create_sample("owner-rights@example.org", "owner-password", until="closed")
        owner = accounts.find("owner-rights@example.org")
        console = workshops.viewer_for(workshop, owner)
        first, second = db.session.scalars(select(Participant).where(
            Participant.workshop_id == workshop.id).order_by(Participant.id).limit(2)).all()
        name = first.name
        assert do(console, "participant.remove", participant_id=first.id)["ok"]
        assert do(console, "participant.anonymise", participant_id=second.id)["ok"]
        data = archive.export_workshop(workshop.id)
        assert name not in json.dumps(data, ensure_ascii=False)
        copy_ = archive.import_workshop(archive.read_archive(archive.dumps(data)), owner)
        again = archive.export_workshop(copy_.id)
        for key in ("participants", "ideas", "objectives", "syntheses", "closing_records"):
            assert len(again[key]) == len(data[key]), key
        assert [i["participant_id"] for i in again["ideas"]].count(None) == [
            i["participant_id"] for i in data["ideas"]].count(None) > 0


@pytest.mark.parametrize("value, expected", [
    ({"participant": {"id": 7, "name": RANIA, "organisation": "IDAL", "profile": "x"}},
     {"participant": {"id": 7, "name": "P7", "organisation": "", "profile": "x"}}),
    ({"idea": {"authors": [{"id": 7, "name": RANIA}, {"id": 8, "name": "Karim"}]}},
     {"idea": {"authors": [{"id": 7, "name": "P7"}, {"id": 8, "name": "Karim"}]}}),
    ({"member": {"participant_id": 7, "name": RANIA, "organisation": "IDAL", "role": "r"}},
     {"member": {"participant_id": 7, "name": "P7", "organisation": "", "role": "r"}}),
    ({"kind": "objective", "by": RANIA}, {"kind": "objective", "by": "P7"}),
    # someone else of the same name, an actor whose id is hers: left alone
    ({"participant": {"id": 9, "name": RANIA}}, {"participant": {"id": 9, "name": RANIA}}),
    ({"actor": {"id": 7, "name": "IDAL"}}, {"actor": {"id": 7, "name": "IDAL"}}),
])
def test_the_log_is_unnamed_where_it_names_the_person(value, expected):
    assert rights._unnamed(value, 7, RANIA, "P7") == expected
