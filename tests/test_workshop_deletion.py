"""The owner deletes a workshop with everything it holds (issue 17), in-process: typing
its join code confirms; every row of it goes, in every table (a new table is covered
without anyone remembering to), and nothing of another workshop; only the owner may;
every socket of it is cut off and cannot come back; a render finishing afterwards
writes nothing; the backups forget it at the schedule's next look."""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from flask import current_app, g
from flask_migrate import upgrade
from sqlalchemy import func, select

from facilitator import backups, create_app, sample, workshops
from facilitator.errors import OperationError
from facilitator.extensions import db, socketio
from facilitator.live import operations
from facilitator.models import PlanFile, Workshop, utcnow
from facilitator.people import accounts
from facilitator.plan import pdf, render as plan_render
from facilitator.viewers import Viewer
from tests.support import login

pytestmark = pytest.mark.usefixtures("separate_browsers")
OWNER = ("facilitator@example.org", "facilitator")  # the sample's owner
CO, ORGANISER = ("co@example.org", "co-password"), ("org@example.org", "org-password")


def belongs(table, workshop_id: int):
    """The condition on `table` that picks the rows of this workshop: its own id, its
    workshop_id, or a foreign key to a table whose rows belong to it (a participant's
    tokens). None for a table that belongs to no workshop (the accounts)."""
    if table.name == "workshop":
        return table.c.id == workshop_id
    if "workshop_id" in table.c:
        return table.c.workshop_id == workshop_id
    for key in table.foreign_keys:
        parent = key.column.table
        if parent is not table and (picked := belongs(parent, workshop_id)) is not None:
            return key.parent.in_(select(key.column).where(picked))
    return None


def rows_of(workshop_id: int) -> dict[str, int]:
    """How many rows of this workshop each table holds, for every table of the models."""
    counts = {table.name: db.session.scalar(
        select(func.count()).select_from(table).where(belongs(table, workshop_id)))
        for table in db.metadata.sorted_tables if belongs(table, workshop_id) is not None}
    db.session.rollback()
    return counts


def every_row() -> dict[str, int]:
    counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables}
    db.session.rollback()
    return counts


def plan_files(workshop_id: int) -> None:
    """Rendered PDFs of both editions, as plan_render keeps them."""
    seq = db.session.get(Workshop, workshop_id).last_seq
    for edition in ("public", "internal"):
        db.session.add(PlanFile(workshop_id=workshop_id, language="en", edition=edition,
                                seq=seq, state="ready", reason="", token=f"t-{edition}",
                                process="test", requested_at=utcnow(), pdf=b"%PDF-1.7 plan",
                                size=13, rendered_at=utcnow()))
    db.session.commit()


def team(workshop: Workshop) -> None:
    """A co-facilitator, an organiser, and an invitation waiting."""
    owner = workshops.viewer_for(workshop, accounts.find(OWNER[0]))
    for (email, password), role in ((CO, "cofacilitator"), (ORGANISER, "organiser")):
        if accounts.find(email) is None:
            operations.run(accounts.create_facilitator, email, email.split("@")[0], password)
        operations.submit(owner, "team.add", email=email, role=role)
    with current_app.test_request_context():
        operations.submit(owner, "invitation.create", email="nadia@example.org",
                          role="organiser", language="en")


def small_workshop(title: str = "Atelier de Tunis") -> Workshop:
    owner = accounts.find(OWNER[0]) or operations.run(
        accounts.create_facilitator, OWNER[0], "Owner", OWNER[1])
    workshop = operations.run(workshops.create_workshop, owner, {"title": title})
    team(workshop)
    return workshop


def delete(client, workshop_id: int, code: str):
    return client.post(f"/workshops/{workshop_id}/delete", data={"confirm_code": code})


def connect(app, client, workshop_id: int, view: str):
    g.__dict__.clear()  # as a request of its own
    return socketio.test_client(app, flask_test_client=client,
                                auth={"workshop": workshop_id, "view": view})


def test_the_owner_deletes_a_workshop_and_every_row_of_it_goes(app):
    """A seminar taken to its close (cards, dots, groups, boards, synergies, the plan,
    the committee, the log), its team, an invitation and its rendered PDFs: after the
    deletion no table holds a row of it, and the other workshop is as it was."""
    gone = sample.create_sample(*OWNER, until="closed")
    other = sample.create_sample("other@example.org", "other-password", until="closed")
    gone_id, other_id, code, title = gone.id, other.id, gone.join_code, gone.title
    team(gone)
    plan_files(gone_id)
    plan_files(other_id)
    before, others = rows_of(gone_id), rows_of(other_id)
    # every table the models declare is a workshop's, but the accounts
    assert {t.name for t in db.metadata.sorted_tables} - set(before) == {"facilitator"}
    assert [name for name, count in before.items() if count == 0] == []
    accounts_before = every_row()["facilitator"]

    lead = login(app.test_client(), *OWNER)
    settings = lead.get(f"/workshops/{gone_id}/edit").get_data(as_text=True)
    assert "Delete this workshop" in settings and f'dir="ltr">{code}</strong>' in settings
    done = delete(lead, gone_id, f" {code[:3].lower()}-{code[3:]} ")  # as people type it
    assert done.status_code == 302 and done.headers["Location"].endswith("/workshops/")
    listed = lead.get(done.headers["Location"]).get_data(as_text=True)
    assert f"“{title}” was deleted." in listed and f"/workshops/{gone_id}/" not in listed

    assert rows_of(gone_id) == {name: 0 for name in before}
    assert rows_of(other_id) == others
    assert every_row()["facilitator"] == accounts_before  # accounts are people's own
    assert lead.get(f"/workshops/{gone_id}/edit").status_code == 404
    assert lead.get(f"/workshops/{gone_id}/console").status_code == 404
    assert delete(lead, gone_id, code).status_code == 404  # a second click


@pytest.mark.parametrize("who", [CO, ORGANISER])
def test_only_the_owner_may_delete(app, who):
    workshop = small_workshop()
    before = every_row()
    stranger = login(app.test_client(), *who)
    page = stranger.get(f"/workshops/{workshop.id}/edit")
    assert "Delete this workshop" not in page.get_data(as_text=True)
    assert delete(stranger, workshop.id, workshop.join_code).status_code == 403
    # the operation path reads the rights again, whatever the caller says
    forged = Viewer(kind="facilitator", workshop_id=workshop.id, role="owner",
                    facilitator_id=accounts.find(who[0]).id)
    with pytest.raises(OperationError) as refused:
        operations.submit(forged, "workshop.delete", confirmation=workshop.join_code)
    assert refused.value.code == "forbidden"
    assert every_row() == before


@pytest.mark.parametrize("typed", ["", "Atelier de Tunis"])
def test_a_wrong_confirmation_deletes_nothing_and_says_why(app, typed):
    workshop = small_workshop()
    before = every_row()
    lead = login(app.test_client(), *OWNER)
    response = delete(lead, workshop.id, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (f"To delete the workshop, type its join code, {workshop.join_code}, exactly as "
            f"shown. Nothing was deleted.") in page
    assert 'id="delete-error"' in page and 'aria-invalid="true"' in page
    assert every_row() == before


def test_a_wrong_confirmation_is_said_in_the_owners_language(app):
    workshop = small_workshop()
    lead = login(app.test_client(), *OWNER)
    page = lead.post(f"/workshops/{workshop.id}/delete?lang=ar",
                     data={"confirm_code": "WRONG1"}).get_data(as_text=True)
    assert "لم يُحذف" in page and workshop.join_code in page
    assert db.session.get(Workshop, workshop.id) is not None


def test_every_socket_of_the_workshop_is_cut_off_and_phones_find_it_gone(app):
    """Consoles, the projector and phones of the deleted workshop are disconnected by the
    server (their client need not do anything) and cannot come back; a phone reloading
    gets a 404; the other workshop's sockets stay."""
    workshop, other = small_workshop(), small_workshop("Amman")
    lead = login(app.test_client(), *OWNER)
    co = login(app.test_client(), *CO)
    phones = {}
    for room in (workshop, other):
        phones[room.id] = app.test_client()
        joined = phones[room.id].post(f"/j/{room.join_code}", data={
            "nonce": "n" * 24, "name": "Rania", "profile": room.profiles[0], "consent": "y"})
        assert joined.status_code == 302
    sockets = [connect(app, lead, workshop.id, "console"),
               connect(app, lead, workshop.id, "projector"),
               connect(app, co, workshop.id, "console"),
               connect(app, phones[workshop.id], workshop.id, "phone")]
    staying = [connect(app, lead, other.id, "console"),
               connect(app, phones[other.id], other.id, "phone")]
    assert all(socket.is_connected() for socket in sockets + staying)

    assert delete(lead, workshop.id, workshop.join_code).status_code == 302
    assert [socket.is_connected() for socket in sockets] == [False] * len(sockets)
    assert all(socket.is_connected() for socket in staying)
    again = connect(app, phones[workshop.id], workshop.id, "phone")
    assert not again.is_connected()
    assert phones[workshop.id].get(f"/w/{workshop.id}").status_code == 404
    assert phones[other.id].get(f"/w/{other.id}").status_code == 200
    ack = staying[0].emit("sync", {"since": 0}, callback=True)
    assert ack["ok"] and ack["snapshot"]["workshop"]["id"] == other.id


def test_a_render_finishing_after_the_deletion_writes_nothing(app, monkeypatch, caplog):
    """The render process reads the room, the owner deletes the workshop meanwhile: its
    result is dropped quietly (no row, no error logged), and the process ends well."""
    workshop = small_workshop()
    key = plan_render.key_for(workshop)
    handed = []
    state = plan_render.ask_render(key, spawn=lambda _key, token: handed.append(token))
    assert state["state"] == "queued"
    owner = workshops.viewer_for(workshop, accounts.find(OWNER[0]))

    def deleted_meanwhile(_data):
        operations.submit(owner, "workshop.delete", confirmation=workshop.join_code)
        return b"%PDF-1.7 rendered"

    monkeypatch.setattr(pdf, "plan_pdf", deleted_meanwhile)
    caplog.set_level(logging.WARNING)
    assert plan_render.render(key, handed[0]) is False
    assert plan_render.dropped(key, handed[0])  # the process exits 0: nothing failed
    assert db.session.scalar(select(func.count()).select_from(PlanFile)) == 0
    assert db.session.get(Workshop, key.workshop_id) is None
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    # a render whose place was taken before the deletion finds nothing to write either
    assert plan_render.render(key, handed[0]) is False


@pytest.fixture
def venue(tmp_path):
    """The app on an SQLite file in its instance folder, as on the venue laptop."""
    instance = tmp_path / "instance"
    instance.mkdir()
    app = create_app("test",
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'facilitator.sqlite'}")
    app.instance_path = str(instance)
    with app.app_context():
        upgrade()
        yield app, instance
        db.session.remove()
        db.engine.dispose()


def workshops_in(copy: Path) -> list[str]:
    connection = sqlite3.connect(copy)
    try:
        return [title for (title,) in connection.execute(
            "SELECT title FROM workshop ORDER BY id")]
    finally:
        connection.close()


@pytest.mark.sqlite
def test_the_backups_forget_a_deleted_workshop_at_the_next_look(venue):
    """Every copy in instance/backups/ (the schedule's and one made by hand) loses the
    workshop with every row of it at the schedule's next look, even when a workshop made
    since has taken its id (SQLite gives the highest id again); the others stay."""
    app, instance = venue
    schedule = backups.Schedule(app, every=1)
    other, workshop = small_workshop("Amman"), small_workshop("Rabat")
    joined = app.test_client().post(f"/j/{workshop.join_code}", data={
        "nonce": "n" * 24, "name": "Rania Haddad", "profile": workshop.profiles[0],
        "consent": "y"})
    assert joined.status_code == 302
    assert schedule.tick() == []  # its first look
    backups.take(app, label="manual")
    owner = workshops.viewer_for(workshop, accounts.find(OWNER[0]))
    operations.submit(owner, "stage.change", from_stage="welcome", to_stage="ideas")
    [stage_copy] = schedule.tick()
    copies = sorted((instance / "backups").iterdir())
    assert len(copies) == 2 and stage_copy in copies
    assert all(workshops_in(copy) == ["Amman", "Rabat"] for copy in copies)

    gone_id = workshop.id
    lead = login(app.test_client(), *OWNER)
    assert delete(lead, gone_id, workshop.join_code).status_code == 302
    again = small_workshop("Tripoli")
    assert again.id == gone_id
    [new_copy] = schedule.tick()  # a new workshop: a copy, then every copy forgets
    assert workshops_in(new_copy) == ["Amman", "Tripoli"]
    for copy in copies:
        assert workshops_in(copy) == ["Amman"]
        connection = sqlite3.connect(copy)
        try:
            for table in ("participant", "membership", "event", "invitation"):
                assert connection.execute(
                    f"SELECT count(*) FROM {table} WHERE workshop_id = ?",  # noqa: S608
                    (gone_id,)).fetchone() == (0,)
            assert connection.execute("SELECT count(*) FROM participant_token").fetchone() \
                == (0,)
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            connection.close()
    assert db.session.get(Workshop, again.id).title == "Tripoli"
    assert db.session.get(Workshop, other.id).title == "Amman"
