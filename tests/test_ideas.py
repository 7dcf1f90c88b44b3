"""Step 1 as the room meets it: cards on the wall, locked input, hidden and merged cards,
anonymity, the timer. Every change goes through operations.perform, the real path."""
from __future__ import annotations

from datetime import datetime

import pytest

from facilitator.extensions import db
from facilitator.live.operations import OPERATIONS
from facilitator.live.schema import Payload
from facilitator.models import Idea
from facilitator.snapshot import snapshot
from facilitator.steps import ideas
from tests.steps import do, last_seq, seen_by


def test_a_posted_idea_is_on_everyone_s_screen(room):
    before = last_seq(room)
    ack = do(room["rania"], "idea.post", text="  A diaspora investment   desk\n",
             kind="practice", origin="Lebanon")
    assert ack["ok"] and ack["idea"]["text"] == "A diaspora investment desk"
    assert ack["idea"]["mine"] is True
    for viewer in (room["karim"], room["projector"], room["console"]):
        [(type_, data)] = seen_by(viewer, before)
        assert type_ == "idea.posted" and data["idea"]["text"] == "A diaspora investment desk"
        assert data["idea"]["authors"] == [{"id": room["rania"].participant_id,
                                            "name": "Rania Haddad"}]
    phone = snapshot(room["karim"])["ideas"]
    assert [card["text"] for card in phone["list"]] == ["A diaspora investment desk"]
    assert phone["list"][0]["mine"] is False


def test_a_resent_idea_is_posted_once(room):
    first = do(room["rania"], "idea.post", op_id="phone-resend-1", text="Mentoring", kind="idea")
    again = do(room["rania"], "idea.post", op_id="phone-resend-1", text="Mentoring", kind="idea")
    assert again["duplicate"] and again["idea"]["id"] == first["idea"]["id"]
    assert db.session.query(Idea).count() == 1


def test_a_card_resent_after_the_input_closed_is_answered_as_sent(room):
    """The phone's first send landed but its ack was lost on the Wi-Fi; when it resends,
    the input is closed: it hears its card is on the wall, not that it came too late.
    Nobody hears of the card twice."""
    first = do(room["rania"], "idea.post", op_id="phone-resend-2", text="Twinning", kind="idea")
    do(room["console"], "ideas.settings", input_locked=True)
    before = last_seq(room)
    again = do(room["rania"], "idea.post", op_id="phone-resend-2", text="Twinning", kind="idea")
    assert again["ok"] and again["duplicate"] and again["idea"] == first["idea"]
    assert last_seq(room) == before and seen_by(room["console"], before) == []
    taken = do(room["karim"], "idea.post", op_id="phone-resend-2", text="Mine", kind="idea")
    assert taken["error"]["code"] == "op_id_taken"


@pytest.mark.parametrize("fields, code, words", [
    ({"text": "   ", "kind": "idea"}, "empty_text", "write your idea"),
    ({"text": "x" * 501, "kind": "idea"}, "too_long", "500 characters"),
    ({"text": "Fine", "kind": "rumour"}, "bad_kind", "idea, an experience or a good practice"),
    ({"text": "Fine", "kind": "idea", "origin": "y" * 81}, "too_long", "country"),
])
def test_bad_cards_are_refused_with_a_clear_message(room, fields, code, words):
    ack = do(room["rania"], "idea.post", **fields)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert words in ack["error"]["message"]
    assert db.session.query(Idea).count() == 0


def test_locked_input_refuses_late_cards_and_says_the_text_is_kept(room):
    assert do(room["console"], "ideas.settings", input_locked=True)["input_locked"] is True
    ack = do(room["rania"], "idea.post", text="Too late", kind="idea")
    assert ack["error"]["code"] == "input_locked"
    assert "too late" in ack["error"]["message"] and "kept on your phone" in ack["error"]["message"]
    assert db.session.query(Idea).count() == 0
    do(room["console"], "ideas.settings", input_locked=False)
    assert do(room["rania"], "idea.post", text="Just in time", kind="idea")["ok"]


def test_cards_only_at_the_ideas_stage(room):
    do(room["console"], "stage.change", from_stage="ideas", to_stage="themes")
    ack = do(room["rania"], "idea.post", text="After the step", kind="idea")
    assert ack["error"]["code"] == "wrong_stage" and "kept on your phone" in ack["error"]["message"]


def test_facilitators_cannot_post_and_participants_cannot_moderate(room):
    own = do(room["console"], "idea.post", text="Mine", kind="idea")
    assert own["error"]["code"] == "forbidden"
    card = do(room["rania"], "idea.post", text="Keep me", kind="idea")["idea"]
    for name, kwargs in [("idea.hide", {"idea_id": card["id"]}),
                         ("idea.merge", {"into_id": card["id"], "idea_ids": [card["id"]]}),
                         ("ideas.settings", {"input_locked": True}),
                         ("timer.start", {"seconds": 60})]:
        ack = do(room["karim"], name, **kwargs)
        assert ack["error"]["code"] == "forbidden", name
    # nor edit someone else's card
    assert do(room["karim"], "idea.edit", idea_id=card["id"], text="Mine now")["error"]["code"] \
        == "forbidden"


def test_author_edits_and_withdraws_while_input_is_open(room):
    card = do(room["rania"], "idea.post", text="Tax incentives", kind="idea")["idea"]
    edited = do(room["rania"], "idea.edit", idea_id=card["id"], text="Tax incentives for returnees")
    assert edited["idea"]["text"] == "Tax incentives for returnees"
    assert edited["idea"]["kind"] == "idea"  # left out: unchanged
    do(room["console"], "ideas.settings", input_locked=True)
    late = do(room["rania"], "idea.edit", idea_id=card["id"], text="Changed")
    assert late["error"]["code"] == "input_locked"
    # a facilitator may still fix a typo
    assert do(room["console"], "idea.edit", idea_id=card["id"], origin="Lebanon")["ok"]
    do(room["console"], "ideas.settings", input_locked=False)
    before = last_seq(room)
    assert do(room["rania"], "idea.withdraw", idea_id=card["id"])["ok"]
    assert seen_by(room["projector"], before) == [("idea.removed", {"ids": [card["id"]],
                                                                      "reason": "withdrawn"})]
    assert snapshot(room["projector"])["ideas"]["list"] == []
    again = do(room["rania"], "idea.edit", idea_id=card["id"], text="Back?")
    assert again["error"]["code"] == "not_found"


def test_hidden_cards_are_for_the_facilitators_only(room):
    card = do(room["karim"], "idea.post", text="Something offensive", kind="idea")["idea"]
    before = last_seq(room)
    assert do(room["console"], "idea.hide", idea_id=card["id"])["idea"]["hidden"] is True
    for viewer in (room["projector"], room["rania"]):
        events = seen_by(viewer, before)
        assert events == [("idea.removed", {"ids": [card["id"]]})]
        assert "offensive" not in str(snapshot(viewer))
    # its author alone is told it was set aside, with the text they wrote
    assert seen_by(room["karim"], before) == [
        ("idea.removed", {"ids": [card["id"]]}),
        ("idea.set_aside", {"id": card["id"], "text": "Something offensive",
                            "status": "hidden", "merged_into": None})]
    assert "offensive" not in str(snapshot(room["karim"])["ideas"]["list"])
    staff = [e for e in seen_by(room["console"], before) if e[0] == "idea.updated"]
    assert staff[-1][1]["idea"]["text"] == "Something offensive"
    assert snapshot(room["console"])["ideas"]["list"][0]["hidden"] is True
    # the author can no longer change it; restoring shows it to everyone again
    assert do(room["karim"], "idea.edit", idea_id=card["id"], text="x")["error"]["code"] \
        == "not_found"
    before = last_seq(room)
    do(room["console"], "idea.restore", idea_id=card["id"])
    [(type_, data)] = seen_by(room["projector"], before)
    assert type_ == "idea.updated" and data["idea"]["hidden"] is False


def test_anonymous_cards_do_not_name_their_authors_except_to_facilitators(room):
    do(room["console"], "ideas.settings", anonymous=True)
    before = last_seq(room)
    ack = do(room["rania"], "idea.post", text="A returnee's guide", kind="experience")
    assert ack["idea"]["mine"] is True and "authors" not in ack["idea"]
    for viewer in (room["projector"], room["karim"]):
        assert "Rania" not in str(seen_by(viewer, before))
        assert "Rania" not in str(snapshot(viewer)["ideas"])
    assert "Rania" in str(seen_by(room["console"], before))
    assert snapshot(room["console"])["ideas"]["list"][0]["authors"][0]["name"] == "Rania Haddad"
    assert snapshot(room["rania"])["ideas"]["list"][0]["mine"] is True
    # names shown again: clients are given them with the settings
    before = last_seq(room)
    do(room["console"], "ideas.settings", anonymous=False)
    [(type_, data)] = seen_by(room["projector"], before)
    assert type_ == "ideas.settings" and data["authors"][0]["authors"][0]["name"] == "Rania Haddad"


def test_merged_card_keeps_both_texts_and_both_authors(room):
    one = do(room["rania"], "idea.post", text="Diaspora bonds", kind="idea")["idea"]
    two = do(room["karim"], "idea.post", text="Bonds for the diaspora", kind="idea")["idea"]
    before = last_seq(room)
    ack = do(room["console"], "idea.merge", into_id=one["id"], idea_ids=[two["id"]])
    assert ack["ok"] and ack["merged"] == [two["id"]]
    [(type_, data)] = seen_by(room["projector"], before)
    assert type_ == "idea.merged" and data["merged"] == [two["id"]]
    assert data["idea"]["text"] == "Diaspora bonds"
    assert data["idea"]["merged_texts"] == ["Bonds for the diaspora"]
    assert [a["name"] for a in data["idea"]["authors"]] == ["Rania Haddad", "Karim Nassar"]
    wall = snapshot(room["karim"])["ideas"]["list"]
    assert len(wall) == 1 and wall[0]["mine"] is True  # Karim's words live on in it
    # a hidden card's text never reaches the wall through a merge
    hidden = do(room["karim"], "idea.post", text="Rude remark", kind="idea")["idea"]
    do(room["console"], "idea.hide", idea_id=hidden["id"])
    refused = do(room["console"], "idea.merge", into_id=one["id"], idea_ids=[hidden["id"]])
    assert refused["error"]["code"] == "hidden_card"
    assert "Rude" not in str(snapshot(room["projector"]))


def test_timer_runs_on_the_server_clock(room):
    before = last_seq(room)
    ack = do(room["console"], "timer.start", seconds=300)
    assert ack["ends_at"].endswith("Z")
    ends = datetime.fromisoformat(ack["ends_at"][:-1])
    started = datetime.fromisoformat(ack["server_time"][:-1])
    assert (ends - started).total_seconds() == 300
    [(type_, data)] = seen_by(room["rania"], before)
    assert type_ == "timer.started" and data["ends_at"] == ack["ends_at"]
    assert snapshot(room["projector"])["ideas"]["settings"]["timer_ends_at"] == ack["ends_at"]
    assert do(room["console"], "timer.start", seconds=0)["error"]["code"] == "bad_number"
    do(room["console"], "timer.stop")
    assert snapshot(room["projector"])["ideas"]["settings"]["timer_ends_at"] is None


def test_every_operation_is_declared_for_the_right_sender():
    who = {name: spec[2] for name, spec in OPERATIONS.items()}
    assert who["idea.post"] == "participant" and who["dot.place"] == "participant"
    assert who["idea.hide"] == who["priorities.confirm"] == "facilitator"
    for change, shape, _ in OPERATIONS.values():
        assert callable(change) and issubclass(shape, Payload)
    assert ideas.KINDS == ("idea", "experience", "practice")


def test_an_author_is_told_when_their_card_is_set_aside_or_merged(room):
    hidden = do(room["rania"], "idea.post", text="Off-topic card", kind="idea")["idea"]["id"]
    kept = do(room["karim"], "idea.post", text="Diaspora desk", kind="idea")["idea"]["id"]
    twin = do(room["rania"], "idea.post", text="A desk for the diaspora", kind="idea")["idea"]["id"]
    before = last_seq(room)
    do(room["console"], "idea.hide", idea_id=hidden)
    do(room["console"], "idea.merge", into_id=kept, idea_ids=[twin])
    told = [d for t, d in seen_by(room["rania"], before) if t == "idea.set_aside"]
    assert [(d["id"], d["status"]) for d in told] == [(hidden, "hidden"), (twin, "merged")]
    assert told[1]["merged_into"] == kept
    assert not [t for t, _d in seen_by(room["karim"], before) if t == "idea.set_aside"]
    aside = snapshot(room["rania"])["ideas"]["set_aside"]
    assert [(c["id"], c["status"]) for c in aside] == [(hidden, "hidden"), (twin, "merged")]
    # the merged card is Rania's too: she may still edit it
    mine = {c["id"]: c["mine"] for c in snapshot(room["rania"])["ideas"]["list"]}
    assert mine[kept] is True
    assert do(room["rania"], "idea.edit", idea_id=kept, text="A desk for diaspora investors")["ok"]
    do(room["console"], "idea.restore", idea_id=hidden)
    assert snapshot(room["rania"])["ideas"]["set_aside"][0]["id"] == twin
    assert "set_aside" not in snapshot(room["projector"])["ideas"]
