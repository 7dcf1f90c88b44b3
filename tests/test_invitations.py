"""Invitations to a workshop's team, in-process: the owner invites an email and a role,
the person joins through the link (a new account, or the one they have) and lands in the
console with that role; links work once, for 7 days, until revoked; only the owner
invites; the email goes through a real (throwaway) SMTP server when one is set up."""
from __future__ import annotations

import re
import time
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask import g
from flask_migrate import upgrade

from facilitator import create_app, workshops
from facilitator.extensions import db, socketio
from facilitator.live import operations
from facilitator.models import (AppliedOperation, Event, Invitation, Membership, Workshop,
                                utcnow)
from facilitator.people import accounts, invitations
from tests.databases import drop_database, new_database
from tests.steps import OWNER
from tests.support import free_port, login

pytestmark = pytest.mark.usefixtures("separate_browsers")
LINK = re.compile(r'value="(https?://[^"]+/invitations/([A-Za-z0-9_-]+))"')


def connect(app, client, view="console", workshop=None):
    """A socket for this browser's cookies (with an empty `g`, as a request has)."""
    g.__dict__.clear()
    return socketio.test_client(app, flask_test_client=client,
                                auth={"workshop": workshop.id, "view": view})


def team_page(client, workshop) -> str:
    return client.get(f"/workshops/{workshop.id}/edit").get_data(as_text=True)


def invite(client, workshop, email, role="cofacilitator", lang="en", shown=None):
    """The owner sends the team page's form; returns the link shown to copy (and the
    page that shows it, in `shown` if given)."""
    response = client.post(f"/workshops/{workshop.id}/invitations?lang={lang}",
                           data={"email": email, "role": role})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/workshops/{workshop.id}/edit#team")
    page = team_page(client, workshop)
    found = LINK.search(page)
    assert found, "the team page shows the new link"
    if shown is not None:
        shown.append(page)
    return found.group(1)


def path_of(link: str) -> str:
    """The link as the invited person's browser asks for it."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_the_owner_invites_and_the_person_joins_with_a_new_account(app, owner, workshop,
                                                                   caplog):
    lead = login(app.test_client(), *OWNER)
    console = connect(app, lead, workshop=workshop)
    assert console.is_connected()
    link = invite(lead, workshop, "Nadia@Example.org")
    token = link.rsplit("/", 1)[1]
    page = team_page(lead, workshop)
    # shown once; listed as waiting, with what to do without a mail server
    assert "nadia@example.org" in page and "Invitations waiting" in page
    assert link not in page
    first_view = lead.get(f"/workshops/{workshop.id}/edit")  # (the shown link is gone)
    assert token not in first_view.get_data(as_text=True)
    stored = db.session.query(Invitation).one()
    assert stored.token_hash != token and token not in str(vars(stored))
    assert stored.expires_at - stored.created_at == timedelta(days=7)

    nadia = app.test_client()
    response = nadia.get(path_of(link))
    assert response.status_code == 302 and response.headers["Location"] == "/invitation"
    form = nadia.get("/invitation", headers={"Accept-Language": "en"})
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "Join the team of" in text
    assert workshop.title in text and 'name="password"' in text and 'name="name"' in text
    assert token not in text  # the page's own address carries no token
    # a bad password leaves nothing half-made: no account, the link still works
    weak = nadia.post("/invitation", data={"name": "Nadia", "password": "short"})
    assert weak.status_code == 400 and "8 characters" in weak.get_data(as_text=True)
    assert accounts.find("nadia@example.org") is None
    joined = nadia.post("/invitation", data={"name": "Nadia Haddad",
                                             "password": "nadia-password"})
    assert joined.status_code == 302
    assert joined.headers["Location"] == f"/workshops/{workshop.id}/console"
    assert nadia.get(joined.headers["Location"]).status_code == 200
    nadia_account = accounts.find("nadia@example.org")
    assert workshops.membership(workshop.id, nadia_account.id).role == "cofacilitator"

    # the owner's open console hears of the new member at once
    heard = [m["args"][0] for m in console.get_received() if m["name"] == "event"]
    assert [e["data"] for e in heard if e["type"] == "membership.changed"] == [
        {"facilitator": {"id": nadia_account.id, "name": "Nadia Haddad"},
         "role": "cofacilitator"}]
    # and she runs the room
    live = connect(app, nadia, workshop=workshop)
    ack = live.emit("stage.change", {"op_id": "nadia-moves-01", "from_stage": "welcome",
                                     "to_stage": "ideas"}, callback=True)
    assert ack["ok"], ack
    assert db.session.get(Workshop, workshop.id, populate_existing=True).stage == "ideas"

    # the link works once
    again = app.test_client()
    again.get(path_of(link))
    used = again.get("/invitation")
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)
    page = team_page(lead, workshop)
    assert "Invitations waiting" not in page and "Nadia Haddad" in page  # in the team now

    # the email and the token stay in the invitation's row
    for event in db.session.query(Event).all():
        assert "example.org" not in str(event.data) and token not in str(event.data)
    for applied in db.session.query(AppliedOperation).all():
        assert "example.org" not in str(applied.result)
    assert token not in caplog.text


def test_an_existing_account_signs_in_to_accept(app, owner, workshop):
    operations.run(accounts.create_facilitator, "sami@example.org", "Sami", "sami-password")
    lead = login(app.test_client(), *OWNER)
    link = invite(lead, workshop, "sami@example.org", role="organiser")
    sami = app.test_client()
    sami.get(path_of(link))
    page = sami.get("/invitation").get_data(as_text=True)
    assert "You already have an account" in page and 'name="name"' not in page
    wrong = sami.post("/invitation", data={"email": "sami@example.org",
                                           "password": "wrong-password"})
    assert wrong.status_code == 400 and "Wrong email or password" in wrong.get_data(
        as_text=True)
    assert db.session.query(Membership).count() == 1
    joined = sami.post("/invitation", data={"email": "sami@example.org",
                                            "password": "sami-password"})
    assert joined.headers["Location"] == f"/workshops/{workshop.id}/console"
    assert sami.get(joined.headers["Location"]).status_code == 200
    sami_account = accounts.find("sami@example.org")
    assert workshops.membership(workshop.id, sami_account.id).role == "organiser"
    # an organiser follows but does not run the room
    live = connect(app, sami, workshop=workshop)
    ack = live.emit("stage.change", {"op_id": "sami-moves-01", "from_stage": "welcome",
                                     "to_stage": "ideas"}, callback=True)
    assert ack["error"]["code"] == "forbidden"


def test_signed_in_as_someone_else_the_page_says_so(app, owner, workshop):
    lead = login(app.test_client(), *OWNER)
    link = invite(lead, workshop, "rania@example.org")
    lead.get(path_of(link))
    page = lead.get("/invitation")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "this invitation is for" in text
    assert OWNER[0] in text and "rania@example.org" in text
    lead.post("/invitation")  # nothing to accept as the wrong person
    assert db.session.query(Invitation).one().accepted_at is None
    # signing out from there comes back to the invitation
    out = lead.post("/logout?next=/invitation")
    assert out.headers["Location"] == "/invitation"
    assert 'name="name"' in lead.get("/invitation").get_data(as_text=True)


def test_pending_invitations_are_listed_and_can_be_revoked(app, owner, workshop):
    lead = login(app.test_client(), *OWNER)
    link = invite(lead, workshop, "karim@example.org", role="organiser")
    invitation = db.session.query(Invitation).one()
    page = team_page(lead, workshop)
    assert "karim@example.org" in page and "Organiser" in page
    revoked = lead.post(f"/workshops/{workshop.id}/invitations/{invitation.id}/revoke")
    assert revoked.status_code == 302
    page = team_page(lead, workshop)
    assert "karim@example.org" not in page and "its link no longer works" in page
    karim = app.test_client()
    karim.get(path_of(link))
    gone = karim.get("/invitation")
    assert gone.status_code == 410 and "withdrawn" in gone.get_data(as_text=True)


def test_a_new_link_replaces_the_pending_one(app, owner, workshop):
    lead = login(app.test_client(), *OWNER)
    first = invite(lead, workshop, "leila@example.org")
    second = invite(lead, workshop, "leila@example.org", role="organiser")
    assert first != second
    assert team_page(lead, workshop).count('<bdi dir="ltr">leila@example.org</bdi>') == 1
    old = app.test_client()
    old.get(path_of(first))
    assert old.get("/invitation").status_code == 410
    new = app.test_client()
    new.get(path_of(second))
    assert "as an organiser" in new.get("/invitation").get_data(as_text=True)


def test_an_expired_link_says_when_it_expired(app, owner, workshop):
    lead = login(app.test_client(), *OWNER)
    link = invite(lead, workshop, "omar@example.org")
    invitation = db.session.query(Invitation).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "expired on" in team_page(lead, workshop)  # listed, to send a new link
    omar = app.test_client()
    omar.get(path_of(link))
    expired = omar.get("/invitation", headers={"Accept-Language": "fr"})
    text = expired.get_data(as_text=True)
    assert expired.status_code == 410 and "a expiré le" in text and 'lang="fr"' in text
    refused = omar.post("/invitation", data={"name": "Omar", "password": "omar-password"})
    assert refused.status_code == 410 and accounts.find("omar@example.org") is None


def test_an_unknown_link_gets_a_sentence(client):
    client.get("/invitations/not-a-real-token")
    response = client.get("/invitation")
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("fields, sentence", [
    ({"email": "someone@example.org", "role": "owner"}, "Please give the email"),
    ({"email": "not an address", "role": "organiser"}, "valid email address"),
    ({"email": OWNER[0], "role": "organiser"}, "already in this workshop"),
])
def test_bad_input_gets_a_sentence_and_saves_nothing(app, owner, workshop, fields, sentence):
    lead = login(app.test_client(), *OWNER)
    response = lead.post(f"/workshops/{workshop.id}/invitations", data=fields,
                         follow_redirects=True)
    assert sentence in response.get_data(as_text=True)
    assert db.session.query(Invitation).count() == 0


def test_a_wrong_role_is_refused_by_the_capability_too(app, owner, workshop):
    with pytest.raises(Exception) as refused:
        operations.run(invitations.invite, workshops.viewer_for(workshop, owner),
                       "x@example.org", "owner", "en")
    assert refused.value.code == "bad_role"
    assert db.session.query(Invitation).count() == 0


def test_only_the_owner_invites_and_revokes(app, owner, workshop):
    lead = login(app.test_client(), *OWNER)
    invite(lead, workshop, "waiting@example.org")
    invitation = db.session.query(Invitation).one()
    for email, role in (("co@example.org", "cofacilitator"), ("org@example.org", "organiser")):
        operations.run(accounts.create_facilitator, email, role, f"{role}-password")
        operations.run(workshops.add_member, workshops.viewer_for(workshop, owner), email,
                       role)
    co = login(app.test_client(), "co@example.org", "cofacilitator-password")
    refused = co.post(f"/workshops/{workshop.id}/invitations",
                      data={"email": "friend@example.org", "role": "cofacilitator"},
                      follow_redirects=True)
    assert "owner can invite people" in refused.get_data(as_text=True)
    co.post(f"/workshops/{workshop.id}/invitations/{invitation.id}/revoke")
    assert "waiting@example.org" not in team_page(co, workshop)  # not even listed
    organiser = login(app.test_client(), "org@example.org", "organiser-password")
    assert organiser.post(f"/workshops/{workshop.id}/invitations",
                          data={"email": "friend@example.org",
                                "role": "organiser"}).status_code == 403
    assert organiser.post(
        f"/workshops/{workshop.id}/invitations/{invitation.id}/revoke").status_code == 403
    assert [i.email for i in db.session.query(Invitation).all()] == ["waiting@example.org"]
    assert db.session.get(Invitation, invitation.id).revoked_at is None


def test_without_a_mail_server_nothing_is_sent_and_the_page_says_to_copy(
        app, owner, workshop, monkeypatch):
    sent = []
    monkeypatch.setattr("facilitator.mail.send_later", lambda *args, **kw: sent.append(args))
    lead = login(app.test_client(), *OWNER)
    shown = []
    invite(lead, workshop, "nomail@example.org", role="organiser", shown=shown)
    assert "copy the link and send it yourself" in shown[0]
    assert sent == [] and db.session.query(Invitation).one().mail_state == ""


# --- with a mail server ------------------------------------------------------------------


class Inbox:
    """aiosmtpd's handler: every message the throwaway server receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(
            envelope.original_content, policy=policy.default)))
        return "250 OK"


def eventually(check, timeout: float = 15.0):
    """Wait for something that happens in the background (the mail task)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("it did not happen in time")


@pytest.fixture
def mail_app(tmp_path):
    """The app on a database file (the mail task notes how it went from its own thread)
    with a throwaway SMTP server on a free port."""
    url = new_database(tmp_path)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, MAIL_SERVER="127.0.0.1",
                     MAIL_PORT=controller.port, MAIL_DEFAULT_SENDER="seminar@example.org",
                     PUBLIC_URL="https://seminar.example.org")
    with app.app_context():
        upgrade()
        yield app, inbox, controller
        db.session.remove()
        db.engine.dispose()
    controller.stop()
    drop_database(url)


def mail_state(invitation_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Invitation, invitation_id).mail_state


def test_the_link_is_emailed_in_the_inviters_language(mail_app):
    app, inbox, _controller = mail_app
    owner = operations.run(accounts.create_facilitator, "owner@example.org", "Olfa Owner",
                           "owner-password")
    workshop = operations.run(workshops.create_workshop, owner,
                              {"title": "Atelier de Tunis", "language": "fr"})
    lead = login(app.test_client(), "owner@example.org", "owner-password")
    shown = []
    link = invite(lead, workshop, "nadia@example.org", lang="fr", shown=shown)
    assert link.startswith("https://seminar.example.org/invitations/")
    assert "Il lui est aussi envoyé par e-mail" in shown[0]
    recipients, email = eventually(lambda: inbox.messages and inbox.messages[0])
    assert recipients == ["nadia@example.org"]
    assert email["Subject"] == "Invitation à l’atelier «\u00a0Atelier de Tunis\u00a0»"
    assert email["Reply-To"] == "owner@example.org"
    assert "seminar@example.org" in email["From"]
    body = email.get_content()
    assert "Olfa Owner vous invite à animer" in body and link in body
    assert "fonctionne une seule fois" in body
    invitation = db.session.query(Invitation).one()
    assert eventually(lambda: mail_state(invitation.id) == "sent")
    assert "envoyée par e-mail" in team_page(lead, workshop)
    # the link from the email works like the one shown
    nadia = app.test_client()
    nadia.get(path_of(link))
    assert nadia.post("/invitation", data={"name": "Nadia", "password": "nadia-password"}
                      ).status_code == 302


def test_a_mail_server_that_refuses_is_reported_on_the_team_page(mail_app):
    app, _inbox, _controller = mail_app
    app.config["MAIL_PORT"] = free_port()  # where nobody answers
    owner = operations.run(accounts.create_facilitator, "owner@example.org", "Olfa Owner",
                           "owner-password")
    workshop = operations.run(workshops.create_workshop, owner,
                              {"title": "Beirut", "language": "en"})
    lead = login(app.test_client(), "owner@example.org", "owner-password")
    link = invite(lead, workshop, "nadia@example.org")
    invitation = db.session.query(Invitation).one()
    assert eventually(lambda: mail_state(invitation.id) == "failed")
    page = team_page(lead, workshop)
    assert "the email could not be sent" in page and "New link" in page
    assert link.rsplit("/", 1)[1] not in page
