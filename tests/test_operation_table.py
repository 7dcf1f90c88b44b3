"""Every operation of the table: who may send it, and no payload gets a server error.

Rights: a table written here, apart from the code's (RIGHTS), says which roles may send
each operation; every other role is refused `forbidden` at each moment, and nothing
changes. An operation the code has and this table does not fails the test.

Payloads: never a server error, never a half-written row.

The operations come from the operation table itself (operations.OPERATIONS), so an
operation added there is covered here without anyone remembering to. Each one is sent,
by the facilitator's console and by a phone, at three moments of the sample seminar
(cards on the wall; the groups' actions; the closing), with payloads Hypothesis makes:
plausible values (ids that exist, texts, the method's own words) mixed with anything a
client could send (nulls, huge numbers, lists, objects, lone surrogates, control
characters). The property: the ack is never `server_error`; a refused operation leaves
every table as it was.

On SQLite only: what is checked is the capabilities' own code, which both databases run
alike (the PostgreSQL pass runs the rest of the suite).
"""
from __future__ import annotations

import itertools
import shutil

import pytest
from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from facilitator import create_app, method, workshops
from facilitator.extensions import db
from facilitator.live import operations, schema
from facilitator.live.operations import OPERATIONS, perform
from facilitator.models import Participant, Workshop
from facilitator.people import accounts, participants
from facilitator.sample import create_sample
from facilitator.viewers import Viewer

pytestmark = pytest.mark.sqlite
MOMENTS = ("ideas", "actions", "closing")
EXAMPLES = 12  # per operation, moment and sender: about 4,500 operations in all
OWNER = ("properties@example.org", "properties-password")
TEAM = {"cofacilitator": "co@example.org", "organiser": "organiser@example.org"}

RUNS = {"owner", "cofacilitator"}
PHONE = {"participant"}
# Who may send what, as the method and docs/protocol.md say it (organisers read and
# change nothing; the projector only shows). A capability may refuse more (a card's
# author, a group's member): this is the first gate.
RIGHTS: dict[str, set[str]] = {
    **{name: RUNS for name in (
        "stage.change", "joining.update", "idea.hide", "idea.restore", "idea.merge",
        "ideas.settings", "timer.start", "timer.stop", "theme.create", "theme.rename",
        "theme.merge", "theme.unmerge", "theme.delete", "idea.assign", "voting.update",
        "priorities.confirm", "groups.settings", "groups.assign", "group.move",
        "group.spotlight", "synergy.decide", "synergy.remove", "synergy.dismiss",
        "shared_action.add", "shared_action.edit", "shared_action.remove", "measure.add",
        "measure.edit", "measure.remove", "workshop.close", "workshop.reopen",
        "plan.share", "participant.remove", "participant.anonymise")},
    **{name: PHONE for name in (
        "idea.post", "dot.place", "dot.remove", "group.join", "synergy.propose",
        "factor.endorse", "committee.join", "committee.leave", "participant.forget")},
    **{name: RUNS | PHONE for name in (
        "idea.edit", "idea.withdraw", "group.rapporteur", "objective.add", "objective.edit",
        "objective.remove", "actor.add", "actor.edit", "actor.remove", "action.add",
        "action.edit", "action.remove", "synthesis.write", "entry.highlight",
        "factor.propose", "factor.remove")},
}
ROLES = ("owner", "cofacilitator", "organiser", "participant", "projector")
_op_ids = itertools.count(1)

# what any client could send in any field
ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**31, max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.just("\ud800"), st.just("x\x00y\x1b"), st.just("9" * 5000), st.just(""),
    st.lists(st.integers(min_value=-3, max_value=80), max_size=5),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["kind", "id", "participant_id", "group_id"]),
                             st.one_of(st.integers(min_value=-1, max_value=80),
                                       st.sampled_from(["objective", "actor", "action"]),
                                       st.none()), max_size=3), max_size=4))
AN_ID = st.integers(min_value=1, max_value=80)
WORDS = st.sampled_from([*method.STAGE_KEYS, "idea", "experience", "practice", "balanced",
                         "choose", "accepted", "rejected", "objective", "actor", "action",
                         "objectives", "actors", "actions", "public", "chamber", "other",
                         "2015-12-01", "2015-10-20", "1999-01-01", "not a date"])


def plausible(field: str):
    """A value of the kind this field takes, by its name; or anything at all."""
    if field.endswith("_ids"):
        kind = st.lists(AN_ID, max_size=5)
    elif field.endswith("_id") or field in ("version", "seconds", "cap", "into_id"):
        kind = AN_ID
    elif field in ("entries",):
        kind = st.lists(st.fixed_dictionaries({
            "kind": st.sampled_from(["objective", "actor", "action"]), "id": AN_ID}),
            max_size=4)
    elif field in ("assignments",):
        kind = st.lists(st.fixed_dictionaries({"participant_id": AN_ID,
                                               "group_id": st.one_of(AN_ID, st.none())}),
                        max_size=4)
    else:
        kind = st.one_of(WORDS, st.text(max_size=300), st.booleans())
    return st.one_of(kind, kind, ANYTHING)


def payloads(name: str):
    """Some of the operation's fields (each present or not), each with a value; an
    absent one reaches the capability as None, as live/handlers.py passes it."""
    fields = schema.field_names(OPERATIONS[name][1])
    return st.fixed_dictionaries({}, optional={field: plausible(field) for field in fields})


@pytest.fixture(scope="module")
def seminars(tmp_path_factory):
    """The sample seminar at each moment, in SQLite files the tests copy."""
    folder = tmp_path_factory.mktemp("moments")
    made = {}
    for moment in MOMENTS:
        path = folder / f"{moment}.sqlite"
        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
        with app.app_context(), app.test_request_context():
            upgrade()
            workshop = create_sample(*OWNER, until=moment)
            owner = workshops.viewer_for(workshop, accounts.find(OWNER[0]))
            for role, email in TEAM.items():
                operations.run(accounts.create_facilitator, email, role, "team-password")
                operations.submit(owner, "team.add", email=email, role=role)
            db.session.remove()
            db.engine.dispose()
        made[moment] = path
    return made


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_no_payload_gets_a_server_error_or_leaves_half_a_change(seminars, tmp_path, name,
                                                                 moment):
    path = tmp_path / "seminar.sqlite"
    shutil.copy(seminars[moment], path)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context(), app.test_request_context():
        workshop = db.session.scalar(select(Workshop))
        console = workshops.viewer_for(workshop, accounts.find(OWNER[0]))
        phone = participants.viewer_for(db.session.scalar(
            select(Participant).where(Participant.group_id.is_not(None))
            if moment != "ideas" else select(Participant)))

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(payload=payloads(name), by_phone=st.booleans())
        def send(payload, by_phone):
            before = row_counts()
            fields = {field: payload.get(field)  # as live/handlers.py
                      for field in schema.field_names(OPERATIONS[name][1])}
            ack = perform(phone if by_phone else console, name,
                          f"property-{next(_op_ids):08d}", **fields)
            assert ack.get("error", {}).get("code") != "server_error", (name, payload)
            if not ack["ok"]:
                assert row_counts() == before, (name, payload, ack)

        send()
        db.session.remove()
        db.engine.dispose()


def senders(workshop: Workshop, moment: str) -> dict[str, Viewer]:
    """One viewer of each role in this workshop."""
    team = {role: workshops.viewer_for(workshop, accounts.find(email))
            for role, email in {"owner": OWNER[0], **TEAM}.items()}
    # the last one: the payloads name participant 1, whom participant.remove takes away
    phone = participants.viewer_for(db.session.scalar(
        (select(Participant).where(Participant.group_id.is_not(None))
         if moment != "ideas" else select(Participant)).order_by(Participant.id.desc())))
    return {**team, "participant": phone,
            "projector": Viewer(kind="projector", workshop_id=workshop.id)}


def test_the_rights_table_names_every_operation():
    assert set(RIGHTS) == set(OPERATIONS)


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_role_the_table_leaves_out_is_refused_and_changes_nothing(seminars, tmp_path,
                                                                        name, moment):
    if name not in RIGHTS:
        pytest.fail(f"{name} is not in the rights table: say who may send it")
    path = tmp_path / "seminar.sqlite"
    shutil.copy(seminars[moment], path)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context(), app.test_request_context():
        viewers = senders(db.session.scalar(select(Workshop)), moment)
        payload = {field: 1 if field.endswith("_id") else [1] if field.endswith("_ids")
                   else "A text" for field in schema.field_names(OPERATIONS[name][1])}
        for role in ROLES:
            before = row_counts()
            ack = perform(viewers[role], name, f"rights-{next(_op_ids):08d}", **payload)
            if role in RIGHTS[name]:
                assert ack.get("error", {}).get("code") != "server_error", (role, ack)
                continue
            assert ack["ok"] is False and ack["error"]["code"] == "forbidden", (role, ack)
            assert row_counts() == before, role
        db.session.remove()
        db.engine.dispose()
