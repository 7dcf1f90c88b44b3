"""A committee member's email (docs/privacy.md): the CommitteeMember row is the one place
that holds it. Events and stored acks carry a reference, never the address; the staff and
the person read it from the row; leaving deletes the row, the workshop's rendered
internal editions of the plan with it, and leaves no byte of the address in the database
file nor anywhere in the instance folder."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from facilitator import backups, create_app
from facilitator.extensions import db
from facilitator.models import AppliedOperation, PlanFile, Workshop, utcnow
from facilitator.snapshot import snapshot
from tests.steps import do, last_seq, make_room, seen_by, to_closing

EMAIL = "maya.withdraw@example.org"


def internal_pdf_holding(workshop_id: int, email: str) -> None:
    """A rendered internal edition of the plan, as plan_render keeps one: it prints the
    committee's emails (the bytes stand for a real render's)."""
    seq = db.session.get(Workshop, workshop_id).last_seq
    for edition in ("public", "internal"):
        content = b"%PDF-1.7 committee " + (email.encode() if edition == "internal" else b"")
        db.session.add(PlanFile(workshop_id=workshop_id, language="en", edition=edition,
                                seq=seq, state="ready", reason="", token="t" + edition,
                                process="test", requested_at=utcnow(), pdf=content,
                                size=len(content), rendered_at=utcnow()))
    db.session.commit()


def rows_holding(needle: str) -> list[str]:
    """Every row of every table whose text holds `needle`."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            if needle in repr(tuple(row)):
                found.append(table.name)
    db.session.rollback()
    return found


def test_events_and_stored_acks_carry_a_reference_never_the_address(room):
    to_closing(room)
    before = last_seq(room)
    rania, console = room["rania"], room["console"]
    ack = do(rania, "committee.join", "op-join-maya-1", role="Link with IDAL", email=EMAIL,
             consent=True)
    # the ack sent at once gives the person their sign-up, email included
    assert ack["ok"] and ack["member"]["email"] == EMAIL and ack["member"]["consented_at"]
    # no event holds the address, whoever syncs from before the sign-up
    for viewer in (console, rania, room["karim"], room["projector"]):
        assert EMAIL not in str(seen_by(viewer, before))
    heard = seen_by(console, before)
    assert [t for t, _data in heard] == ["committee.joined", "committee.contact"]
    assert heard[1][1] == {"participant_id": rania.participant_id,
                           "consented_at": ack["member"]["consented_at"]}
    assert [t for t, _data in seen_by(room["karim"], before)] == ["committee.joined"]
    assert [t for t, _data in seen_by(rania, before)] == ["committee.joined",
                                                         "committee.contact"]
    # nor does the ack kept for the op_id
    kept = db.session.scalar(select(AppliedOperation.result).where(
        AppliedOperation.op_id == "op-join-maya-1"))
    assert kept["member"] == {"participant_id": rania.participant_id, "name": "Rania Haddad",
                              "organisation": "IDAL", "role": "Link with IDAL"}
    # a resend reads the sign-up again from the row
    again = do(rania, "committee.join", "op-join-maya-1", role="ignored", email="x@y.org",
               consent=True)
    assert again["duplicate"] and again["member"]["email"] == EMAIL
    assert again["member"]["role"] == "Link with IDAL"
    # the staff and the person read it from the row; nobody else does
    contacts = do_query(console, "committee.contacts")
    assert contacts["contacts"] == [{"participant_id": rania.participant_id, "email": EMAIL,
                                     "consented_at": ack["member"]["consented_at"]}]
    assert do_query(rania, "committee.contacts")["contacts"] == contacts["contacts"]
    assert do_query(room["karim"], "committee.contacts")["contacts"] == []
    assert do_query(room["projector"], "committee.contacts")["error"]["code"] == "forbidden"
    assert snapshot(console)["closing"]["committee"][0]["email"] == EMAIL
    assert snapshot(rania)["closing"]["my_membership"]["email"] == EMAIL
    assert EMAIL not in str(snapshot(room["karim"])) + str(snapshot(room["projector"]))

    # leaving: the address is gone from every row, the rendered internal edition too
    internal_pdf_holding(room["workshop"].id, EMAIL)
    assert set(rows_holding(EMAIL)) == {"committee_member", "plan_file"}
    assert do(rania, "committee.leave")["ok"]
    assert rows_holding(EMAIL) == []
    assert [e for (e,) in db.session.execute(select(PlanFile.edition))] == ["public"]
    # resending the old op_id answers as before, without the address
    old = do(rania, "committee.join", "op-join-maya-1", role="Link with IDAL", email=EMAIL,
             consent=True)
    assert old["ok"] and old["duplicate"] and "email" not in old["member"]
    assert EMAIL not in str(old)
    assert do_query(console, "committee.contacts")["contacts"] == []
    for viewer in (console, rania):
        assert EMAIL not in str(seen_by(viewer, before)) + str(snapshot(viewer))


def do_query(viewer, name, **fields):
    from facilitator.live.operations import query

    return query(viewer, name, **fields)


@pytest.fixture
def venue(tmp_path):
    """A room on an SQLite file inside the instance folder, as on the venue laptop."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'facilitator.sqlite'}")
    app.instance_path = str(instance)
    with app.app_context():
        upgrade()
        rooms = make_room(app)
        try:
            yield next(rooms), instance
        finally:
            rooms.close()
            db.session.remove()
            db.engine.dispose()


def files_holding(folder: Path, needle: bytes) -> list[str]:
    """Every file under `folder` whose bytes hold `needle`, after a checkpoint (the WAL
    written back into the database file)."""
    db.session.remove()
    with db.engine.connect() as connection:
        busy, *_frames = connection.exec_driver_sql(
            "PRAGMA wal_checkpoint(TRUNCATE)").one()
        assert busy == 0
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.is_file() and needle in path.read_bytes())


@pytest.mark.sqlite
def test_leaving_the_committee_leaves_no_byte_of_the_address_on_disk(venue):
    """Nowhere in the database file (once checkpointed) nor in the instance folder, the
    server's backups included: at its next look, the schedule deletes the member from
    every copy (its own, and one made by hand)."""
    room, instance = venue
    app = current_app._get_current_object()
    schedule = backups.Schedule(app, every=1)
    to_closing(room)
    rania, console = room["rania"], room["console"]
    before = last_seq(room)
    assert do(rania, "committee.join", "op-join-maya-2", role="Link", email=EMAIL,
              consent=True)["ok"]
    assert do(rania, "committee.join", role="Link with IDAL", email=EMAIL, consent=True)["ok"]
    assert do(room["karim"], "committee.join", role="Stays", email="karim.stays@example.org",
              consent=True)["ok"]
    internal_pdf_holding(room["workshop"].id, EMAIL)
    assert seen_by(console, before) and snapshot(console)["closing"]["committee"]
    assert schedule.tick() == []  # its first look: the committee as it is
    backups.take(app, label="manual")
    assert do(console, "stage.change", from_stage="closing", to_stage="shared_plan")["ok"]
    [stage_copy] = schedule.tick()
    assert stage_copy.name.endswith("-stage-w1-shared-plan.sqlite")
    copies = ["backups/" + path.name for path in sorted((instance / "backups").iterdir())]
    assert len(copies) == 2
    assert files_holding(instance, EMAIL.encode()) == [*copies, "facilitator.sqlite"]

    assert do(rania, "committee.leave")["ok"]  # at any stage
    assert do(rania, "committee.join", "op-join-maya-2", role="Link", email=EMAIL,
              consent=True)["duplicate"]
    assert EMAIL not in str(seen_by(console, before))
    assert files_holding(instance, EMAIL.encode()) == copies  # in the copies until…
    assert schedule.tick() == []  # …the schedule's next look: every copy forgets her
    assert files_holding(instance, EMAIL.encode()) == []
    assert len(files_holding(instance, b"karim.stays@example.org")) == 3  # he stays


@pytest.mark.sqlite
def test_every_sqlite_connection_zeroes_what_it_deletes(tmp_path):
    """secure_delete is set on every connection, whatever SQLite's build defaults to
    (Debian's is on, others' off): a deleted row leaves zeros, not its bytes."""
    import sqlite3

    from facilitator.database import _sqlite_pragmas

    connection = sqlite3.connect(tmp_path / "any.sqlite")
    connection.execute("PRAGMA secure_delete=OFF")
    _sqlite_pragmas(connection, None)
    assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    connection.close()
