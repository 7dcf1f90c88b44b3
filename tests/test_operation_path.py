"""The operation path in-process: stage hooks, timers that end with their stage, what a
snapshot costs, and capabilities that never commit on their own."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from facilitator import method
from facilitator.errors import OperationError
from facilitator.extensions import db
from facilitator.live import operations
from facilitator.models import Participant, Workshop
from facilitator.sample import join
from facilitator.snapshot import snapshot
from tests.steps import do, last_seq, seen_by


@contextmanager
def counted_queries():
    """Count the SQL statements the block sends to the database."""
    statements = []
    engine = db.engine

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_timer_ends_with_its_stage(room):
    started = do(room["console"], "timer.start", seconds=300)
    assert started["ok"]
    before = last_seq(room)
    assert do(room["console"], "stage.change", from_stage="ideas", to_stage="themes")["ok"]
    types = [type_ for type_, _data in seen_by(room["rania"], before)]
    assert types == ["stage.changed", "timer.stopped"]
    assert snapshot(room["projector"])["ideas"]["settings"]["timer_ends_at"] is None
    # a stage without a timer changes without a timer event
    before = last_seq(room)
    assert do(room["console"], "stage.change", from_stage="themes", to_stage="vote")["ok"]
    assert [t for t, _d in seen_by(room["rania"], before)] == ["stage.changed"]


def test_stage_hooks_run_inside_the_transition(room):
    seen = []
    hook = method.on_enter("themes")(lambda workshop, viewer: seen.append(workshop.stage))
    try:
        do(room["console"], "stage.change", from_stage="ideas", to_stage="themes")
        assert seen == ["themes"]
        refused = do(room["console"], "stage.change", from_stage="ideas", to_stage="themes")
        assert refused["error"]["code"] == "stale_stage" and seen == ["themes"]
    finally:
        method._HOOKS[("enter", "themes")].remove(hook)


def _post_cards(room, count: int) -> None:
    for n in range(count):
        author = room["rania"] if n % 2 else room["karim"]
        assert do(author, "idea.post", text=f"Card number {n} about diaspora investment",
                  kind="idea")["ok"]


def test_a_snapshot_costs_the_same_queries_for_ten_cards_or_sixty(room):
    _post_cards(room, 10)
    with counted_queries() as ten:
        snapshot(room["console"])
    _post_cards(room, 50)
    with counted_queries() as sixty:
        snapshot(room["console"])
    assert len(sixty) == len(ten) and len(ten) < 30  # one or two per part, never per card
    assert len(snapshot(room["console"])["ideas"]["list"]) == 60


def test_what_every_phone_sees_is_built_once_per_seq(room):
    _post_cards(room, 12)
    with counted_queries() as first:
        mine = snapshot(room["rania"])
    with counted_queries() as second:
        theirs = snapshot(room["karim"])
    assert len(second) < len(first)  # the shared part came from the first phone's build
    assert mine["ideas"]["list"][0]["id"] == theirs["ideas"]["list"][0]["id"]
    rania_cards = {c["id"] for c in mine["ideas"]["list"] if c["mine"]}
    karim_cards = {c["id"] for c in theirs["ideas"]["list"] if c["mine"]}
    assert len(rania_cards) == 6 and len(karim_cards) == 6 and not rania_cards & karim_cards
    assert mine["me"]["name"] == "Rania Haddad" and theirs["me"]["name"] == "Karim Nassar"
    # a change makes a new build: nobody gets the old wall
    do(room["rania"], "idea.post", text="One more", kind="idea")
    assert len(snapshot(room["karim"])["ideas"]["list"]) == 13


def test_posting_a_card_costs_a_few_queries(room):
    _post_cards(room, 2)
    with counted_queries() as statements:
        assert do(room["rania"], "idea.post", text="Counted card", kind="idea")["ok"]
    assert len(statements) <= 10, len(statements)  # docs/performance.md lists them


def test_a_refused_change_over_http_leaves_nothing_saved(app, room):
    workshop = room["workshop"]
    people = db.session.query(Participant).count()
    with pytest.raises(OperationError) as refused:
        join(workshop, "nonce-refused-000000", "  ", "", workshop.profiles[0])
    assert refused.value.code == "empty_name"
    assert db.session.get(Workshop, workshop.id).last_seq == last_seq(room)
    assert db.session.query(Participant).count() == people


def test_the_server_error_ack_names_no_internals(room, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database exploded at /secret/path")

    monkeypatch.setitem(operations.OPERATIONS, "timer.stop",
                        (broken, (), "facilitator"))
    ack = do(room["console"], "timer.stop")
    assert ack["ok"] is False and ack["error"]["code"] == "server_error"
    assert "secret" not in str(ack) and "exploded" not in str(ack)
