"""Step 2 as the room meets it: themes, suggestions, dots kept secret until revealed,
ties, and confirming the priorities. Every change goes through operations.perform."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator.errors import OperationError
from facilitator.extensions import db
from facilitator.models import Idea, Theme, Vote, Workshop
from facilitator.snapshot import snapshot
from facilitator.steps import ideas, priorities
from tests.steps import do, last_seq, seen_by


def post(room, who, text):
    ack = do(room[who], "idea.post", text=text, kind="idea")
    assert ack["ok"], ack
    return ack["idea"]["id"]


def move(room, from_stage, to_stage):
    assert do(room["console"], "stage.change", from_stage=from_stage, to_stage=to_stage)["ok"]


def theme(room, title):
    ack = do(room["console"], "theme.create", title=title)
    assert ack["ok"], ack
    return ack["theme"]["id"]


THEMES = ("Investment", "Networks", "Skills", "Finance")


def open_the_vote(room):
    """room_at's `then` from the welcome: one card, four themes, the room at the vote
    stage with voting open (a function of the module's, so the room is built once a run)."""
    move(room, "welcome", "ideas")
    post(room, "rania", "Diaspora networks abroad")
    move(room, "ideas", "themes")
    for title in THEMES:
        theme(room, title)
    move(room, "themes", "vote")
    assert do(room["console"], "voting.update", open=True)["open"] is True


def at_the_vote(room_at) -> dict:
    """The sample seminar's people at the vote (open_the_vote), nobody's dot placed yet;
    the room names its `card` and its four `themes` (ids, in THEMES' order)."""
    room = room_at("welcome", then=open_the_vote)
    workshop_id = room["workshop"].id
    themes = priorities.live_themes(workshop_id)
    assert [t.title for t in themes] == list(THEMES)
    room["themes"] = [t.id for t in themes]
    room["card"] = db.session.scalars(select(Idea.id).where(Idea.workshop_id == workshop_id)).one()
    return room


def test_themes_group_cards_and_an_assignment_can_be_undone(room):
    card = post(room, "rania", "Diaspora investment fund")
    move(room, "ideas", "themes")
    investment = theme(room, "Investment")
    assert do(room["console"], "theme.create", title=" investment ")["error"]["code"] \
        == "duplicate_theme"
    assert do(room["console"], "theme.create", title="")["error"]["code"] == "empty_title"
    before = last_seq(room)
    first = do(room["console"], "idea.assign", idea_id=card, theme_id=investment)
    assert first["previous_theme_id"] is None and first["theme_id"] == investment
    assert seen_by(room["projector"], before)[0] == ("idea.assigned", {
        "idea_id": card, "theme_id": investment, "previous_theme_id": None})
    undo = do(room["console"], "idea.assign", idea_id=card, theme_id=first["previous_theme_id"])
    assert undo["theme_id"] is None and undo["previous_theme_id"] == investment
    renamed = do(room["console"], "theme.rename", theme_id=investment,
                 title="Diaspora investment", description="Funds and bonds")
    assert renamed["theme"]["title"] == "Diaspora investment"
    assert snapshot(room["rania"])["priorities"]["themes"][0]["title"] == "Diaspora investment"


def test_merging_themes_moves_their_cards_and_dots(room_at):
    vote_room = at_the_vote(room_at)
    investment, networks = vote_room["themes"][:2]
    do(vote_room["console"], "idea.assign", idea_id=vote_room["card"], theme_id=networks)
    do(vote_room["rania"], "dot.place", theme_id=networks)
    do(vote_room["karim"], "dot.place", theme_id=investment)
    do(vote_room["karim"], "dot.place", theme_id=networks)
    before = last_seq(vote_room)
    ack = do(vote_room["console"], "theme.merge", into_id=investment, theme_ids=[networks])
    assert ack["ok"] and ack["merged"] == [networks] and ack["ideas"] == [vote_room["card"]]
    assert db.session.get(Idea, vote_room["card"]).theme_id == investment
    assert snapshot(vote_room["projector"])["ideas"]["list"][0]["theme_id"] == investment
    assert [t.id for t in priorities.live_themes(vote_room["workshop"].id)] \
        == [investment] + vote_room["themes"][2:]
    # one dot per theme: Karim had a dot on both, so one comes back to him, and he is told
    assert priorities.totals(vote_room["workshop"].id)[investment] == 2
    assert db.session.query(Vote).filter_by(theme_id=networks).count() == 0
    mine = snapshot(vote_room["karim"])["priorities"]["mine"]
    assert mine["dots"] == [{"theme_id": investment, "count": 1}] and mine["dots_left"] == 2
    told = [data for type_, data in seen_by(vote_room["karim"], before) if type_ == "dots.mine"]
    assert told[-1]["returned"] == 1 and told[-1]["reason"] == "theme_merged"


def test_the_card_cap_counts_only_cards_on_the_wall(room, monkeypatch):
    monkeypatch.setattr(ideas, "MAX_IDEAS_PER_PARTICIPANT", 2)
    first = do(room["rania"], "idea.post", text="One")["idea"]["id"]
    assert do(room["rania"], "idea.post", text="Two")["ok"]
    assert do(room["rania"], "idea.post", text="Three")["error"]["code"] == "too_many"
    assert do(room["rania"], "idea.withdraw", idea_id=first)["ok"]
    assert do(room["rania"], "idea.post", text="Three")["ok"]


def test_participants_cannot_run_step_two(room_at):
    vote_room = at_the_vote(room_at)
    investment = vote_room["themes"][0]
    for name, kwargs in [("theme.create", {"title": "Mine"}),
                         ("theme.merge", {"into_id": investment, "theme_ids": [investment]}),
                         ("voting.update", {"revealed": True}),
                         ("priorities.confirm", {"theme_ids": vote_room["themes"][:3]})]:
        ack = do(vote_room["karim"], name, **kwargs)
        assert ack["error"]["code"] == "forbidden", name
    with pytest.raises(OperationError) as refused:  # suggestions are for the console
        priorities.suggest_themes(vote_room["karim"])
    assert refused.value.code == "forbidden"
    assert do(vote_room["console"], "dot.place", theme_id=investment)["error"]["code"] \
        == "forbidden"


def test_dots_only_while_voting_is_open_and_within_budget(room):
    move(room, "ideas", "themes")
    themes = [theme(room, t) for t in ("Investment", "Networks", "Skills", "Finance")]
    early = do(room["rania"], "dot.place", theme_id=themes[0])
    assert early["error"]["code"] == "wrong_stage"
    move(room, "themes", "vote")
    closed = do(room["rania"], "dot.place", theme_id=themes[0])
    assert closed["error"]["code"] == "voting_closed"
    do(room["console"], "voting.update", open=True)
    first = do(room["rania"], "dot.place", theme_id=themes[0])
    assert first["ok"] and first["dots_left"] == 2
    twice = do(room["rania"], "dot.place", theme_id=themes[0])
    assert twice["error"]["code"] == "already_voted"
    assert do(room["rania"], "dot.place", theme_id=themes[1])["dots_left"] == 1
    assert do(room["rania"], "dot.place", theme_id=themes[2])["dots_left"] == 0
    over = do(room["rania"], "dot.place", theme_id=themes[3])
    assert over["error"]["code"] == "no_dots_left"
    assert "used all your 3 dots" in over["error"]["message"]
    # take one back and put it elsewhere
    assert do(room["rania"], "dot.remove", theme_id=themes[2])["dots_left"] == 1
    assert do(room["rania"], "dot.place", theme_id=themes[3])["ok"]
    assert do(room["rania"], "dot.remove", theme_id=themes[2])["error"]["code"] == "no_dot_here"
    # when the room allows it, several dots may go on one theme
    do(room["console"], "voting.update", allow_multiple=True)
    do(room["rania"], "dot.remove", theme_id=themes[3])
    again = do(room["rania"], "dot.place", theme_id=themes[0])
    assert again["ok"] and {"theme_id": themes[0], "count": 2} in again["dots"]
    assert db.session.query(Vote).filter_by(participant_id=room["rania"].participant_id) \
        .with_entities(db.func.sum(Vote.count)).scalar() == 3


def test_a_resent_dot_counts_once(room_at):
    vote_room = at_the_vote(room_at)
    investment = vote_room["themes"][0]
    do(vote_room["rania"], "dot.place", op_id="dot-resend-01", theme_id=investment)
    again = do(vote_room["rania"], "dot.place", op_id="dot-resend-01", theme_id=investment)
    assert again["duplicate"] and again["dots_left"] == 2
    assert priorities.totals(vote_room["workshop"].id)[investment] == 1


def test_totals_stay_hidden_until_revealed(room_at):
    vote_room = at_the_vote(room_at)
    investment, networks = vote_room["themes"][:2]
    before = last_seq(vote_room)
    do(vote_room["rania"], "dot.place", theme_id=investment)
    do(vote_room["karim"], "dot.place", theme_id=investment)
    do(vote_room["karim"], "dot.place", theme_id=networks)
    for viewer in (vote_room["rania"], vote_room["karim"], vote_room["projector"]):
        events = seen_by(viewer, before)
        assert all(type_ != "votes.updated" for type_, _ in events)
        assert "totals" not in str(events)
        state = snapshot(viewer)["priorities"]
        assert state["totals"] is None and state["results"] is None
    # a phone hears of its own dots, and of how many have voted when that moves (a
    # first dot: Karim's second dot moves nothing), never of anyone's dots
    assert seen_by(vote_room["rania"], before) == [
        ("votes.turnout", {"voters": 1}),
        ("dots.mine", {"dots_left": 2, "dots": [{"theme_id": investment, "count": 1}]}),
        ("votes.turnout", {"voters": 2})]
    assert snapshot(vote_room["karim"])["priorities"]["mine"]["dots_left"] == 1
    # the facilitators follow the count live
    staff = [data for type_, data in seen_by(vote_room["console"], before)
             if type_ == "votes.updated"]
    assert {"theme_id": investment, "dots": 2} in staff[-1]["totals"]
    console = snapshot(vote_room["console"])["priorities"]
    assert {"theme_id": investment, "dots": 2} in console["totals"]
    # revealed: everyone sees the results, then every later change
    before = last_seq(vote_room)
    do(vote_room["console"], "voting.update", revealed=True)
    revealed = dict(seen_by(vote_room["projector"], before))
    assert revealed["votes.revealed"]["results"][0]["theme"]["id"] == investment
    assert revealed["votes.revealed"]["results"][0]["dots"] == 2
    # ... and nobody moves a dot after seeing them: revealing closed the vote
    late = do(vote_room["rania"], "dot.place", theme_id=networks)
    assert late["error"]["code"] == "voting_closed"
    assert snapshot(vote_room["karim"])["priorities"]["voting"]["open"] is False
    assert snapshot(vote_room["karim"])["priorities"]["totals"] is not None
    # the vote opens again only with the results hidden
    reopen = do(vote_room["console"], "voting.update", open=True)
    assert reopen["error"]["code"] == "results_shown"
    assert do(vote_room["console"], "voting.update", open=True, revealed=False)["open"] is True


def test_results_flag_ties_across_the_cut_off(room_at):
    vote_room = at_the_vote(room_at)
    investment, networks, skills, finance = vote_room["themes"]
    for who, target in [("rania", investment), ("karim", investment),
                        ("rania", networks), ("karim", skills), ("rania", finance)]:
        assert do(vote_room[who], "dot.place", theme_id=target)["ok"]
    rows = priorities.results(db.session.get(Workshop, vote_room["workshop"].id))
    assert [r["theme"]["id"] for r in rows] == [investment, networks, skills, finance]
    assert [r["dots"] for r in rows] == [2, 1, 1, 1]
    assert [r["rank"] for r in rows] == [1, 2, 2, 2]
    assert [r["tied"] for r in rows] == [False, True, True, True]
    # the third priority place is shared by three themes: the room must settle it
    assert [r["tie_at_cutoff"] for r in rows] == [False, True, True, True]


def test_confirm_needs_exactly_the_workshop_s_number_of_priorities(room_at):
    vote_room = at_the_vote(room_at)
    investment, networks, skills, _ = vote_room["themes"]
    still_open = do(vote_room["console"], "priorities.confirm",
                    theme_ids=[skills, investment, networks])
    assert still_open["error"]["code"] == "voting_open"
    do(vote_room["console"], "voting.update", open=False)
    short = do(vote_room["console"], "priorities.confirm", theme_ids=[investment, networks])
    assert short["error"]["code"] == "wrong_count" and "exactly 3" in short["error"]["message"]
    repeated = do(vote_room["console"], "priorities.confirm",
                  theme_ids=[investment, investment, networks])
    assert repeated["error"]["code"] == "wrong_count"
    before = last_seq(vote_room)
    ack = do(vote_room["console"], "priorities.confirm", theme_ids=[skills, investment, networks],
             titles=["Skills transfer", None, None])
    assert ack["ok"] and [p["confirmed_rank"] for p in ack["priorities"]] == [1, 2, 3]
    [(type_, data)] = seen_by(vote_room["projector"], before)
    assert type_ == "priorities.confirmed" and data["priorities"][0]["title"] == "Skills transfer"
    confirmed = snapshot(vote_room["rania"])["priorities"]["confirmed"]
    assert [t["id"] for t in confirmed] == [skills, investment, networks]
    # confirming again replaces the earlier choice
    do(vote_room["console"], "priorities.confirm", theme_ids=[networks, skills, investment])
    assert db.session.get(Theme, networks).confirmed_rank == 1


def test_fewer_themes_than_priorities_confirms_them_all(room):
    move(room, "ideas", "themes")
    only = [theme(room, "Investment"), theme(room, "Networks")]
    move(room, "themes", "vote")
    assert do(room["console"], "priorities.confirm", theme_ids=only[:1])["error"]["code"] \
        == "wrong_count"
    assert do(room["console"], "priorities.confirm", theme_ids=only)["ok"]


def test_suggestions_group_similar_cards_across_spellings(room):
    texts = {
        "en_a": "Create a one-stop investment desk for diaspora investors",
        "en_b": "A one-stop desk for diaspora investors who want to invest",
        "fr_a": "Créer un réseau de mentors pour les jeunes entrepreneurs",
        "fr_b": "creer un reseau de mentors pour jeunes entrepreneurs",
        "ar_a": "إنشاء منصّة رقمية للمغتربين",
        "ar_b": "انشاء منصه رقميه للمغتربين",
        "alone": "Tax incentives for returning engineers",
    }
    ids = {key: post(room, "rania" if i % 2 else "karim", text)
           for i, (key, text) in enumerate(texts.items())}
    before = last_seq(room)
    groups = [set(g["idea_ids"]) for g in priorities.suggest_themes(room["console"])["suggestions"]]
    assert {ids["en_a"], ids["en_b"]} in groups
    assert {ids["fr_a"], ids["fr_b"]} in groups
    assert {ids["ar_a"], ids["ar_b"]} in groups
    assert all(ids["alone"] not in g for g in groups)
    # only suggested: nothing was changed
    assert last_seq(room) == before and db.session.query(Theme).count() == 0


def test_confirming_can_swap_two_titles_but_not_duplicate_them(room):
    console = room["console"]
    alpha = do(console, "theme.create", title="Alpha")["theme"]["id"]
    beta = do(console, "theme.create", title="Beta")["theme"]["id"]
    do(console, "theme.create", title="Gamma")
    do(console, "stage.change", from_stage="ideas", to_stage="vote")
    gamma = [t for t in snapshot(console)["priorities"]["themes"] if t["title"] == "Gamma"][0]
    swapped = do(console, "priorities.confirm", theme_ids=[alpha, beta, gamma["id"]],
                 titles=["Beta", "Alpha", None])
    assert swapped["ok"], swapped
    assert [p["title"] for p in swapped["priorities"]] == ["Beta", "Alpha", "Gamma"]
    twice = do(console, "priorities.confirm", theme_ids=[alpha, beta, gamma["id"]],
               titles=["Same", "same", None])
    assert twice["error"]["code"] == "duplicate_theme"
    assert [t["title"] for t in snapshot(console)["priorities"]["confirmed"]] == [
        "Beta", "Alpha", "Gamma"]


def test_merging_away_a_confirmed_priority_renumbers_the_others(room):
    console = room["console"]
    ids = [do(console, "theme.create", title=t)["theme"]["id"] for t in ("A", "B", "C", "D")]
    do(console, "stage.change", from_stage="ideas", to_stage="vote")
    assert do(console, "priorities.confirm", theme_ids=ids[:3])["ok"]
    merged = do(console, "theme.merge", into_id=ids[3], theme_ids=[ids[0]])
    assert merged["ok"]
    ranks = [(t["title"], t["confirmed_rank"])
             for t in snapshot(console)["priorities"]["confirmed"]]
    assert ranks == [("B", 1), ("C", 2)]
    assert seen_by(room["rania"], last_seq(room) - 1)[-1][0] == "priorities.confirmed"


def test_a_merge_is_undone_with_the_cards_that_moved(room):
    cards = [post(room, "rania", t) for t in ("Desk for investors", "Tax incentives",
                                              "Diaspora survey")]
    move(room, "ideas", "themes")
    framework, incentives = theme(room, "Framework"), theme(room, "Incentives")
    do(room["console"], "idea.assign", idea_id=cards[0], theme_id=framework)
    do(room["console"], "idea.assign", idea_id=cards[1], theme_id=incentives)
    assert do(room["console"], "theme.merge", into_id=framework, theme_ids=[incentives])["ok"]
    # after the merge the facilitator adds another card to the merged theme: it stays
    do(room["console"], "idea.assign", idea_id=cards[2], theme_id=framework)
    before = last_seq(room)
    undone = do(room["console"], "theme.unmerge", theme_id=incentives)
    assert undone["ok"] and undone["ideas"] == [cards[1]]
    under = {c["id"]: c["theme_id"] for c in snapshot(room["projector"])["ideas"]["list"]}
    assert under == {cards[0]: framework, cards[1]: incentives, cards[2]: framework}
    assert [t["title"] for t in snapshot(room["projector"])["priorities"]["themes"]] == [
        "Framework", "Incentives"]
    assert [t for t, _d in seen_by(room["karim"], before)] == ["theme.unmerged"]
    again = do(room["console"], "theme.unmerge", theme_id=incentives)
    assert again["error"]["code"] == "not_found"


def test_only_an_empty_theme_is_deleted(room):
    card = post(room, "rania", "Desk for investors")
    move(room, "ideas", "themes")
    full, empty = theme(room, "Full"), theme(room, "Empty")
    do(room["console"], "idea.assign", idea_id=card, theme_id=full)
    refused = do(room["console"], "theme.delete", theme_id=full)
    assert refused["error"]["code"] == "theme_not_empty"
    assert do(room["console"], "theme.delete", theme_id=empty)["ok"]
    assert [t["title"] for t in snapshot(room["karim"])["priorities"]["themes"]] == ["Full"]
    assert do(room["karim"], "theme.delete", theme_id=full)["error"]["code"] == "forbidden"
