"""Accounts, workshops, roles and joining, in-process (Flask and Socket.IO test clients)."""
from __future__ import annotations

import io

import pytest

from facilitator import method, throttle, workshops
from facilitator.errors import OperationError
from facilitator.extensions import db, limiter, socketio
from facilitator.live import operations
from facilitator.live.operations import perform
from facilitator.models import Participant, Workshop
from facilitator.people import accounts, participants
from facilitator.sample import join
from tests.steps import OWNER, nonce_of


def login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_first_run_page_creates_the_first_account_and_then_disappears(client):
    assert client.get("/login").headers["Location"].endswith("/setup")
    weak = client.post("/setup", data={"name": "Lea", "email": "lea@example.org",
                                       "password": "short"})
    assert weak.status_code == 400 and not accounts.has_accounts()
    made = client.post("/setup", data={"name": "Lea", "email": "Lea@Example.org",
                                       "password": "long-enough"})
    assert made.status_code == 302 and accounts.find("lea@example.org") is not None
    assert client.get("/setup").status_code == 404


def _time_passes(*keys):
    """The waits set so far are over (the limiter's storage forgets them), without
    sleeping: what the tests look at is how long the next wait is."""
    for key in keys:
        limiter.storage.clear(f"{key}:wait")


def test_a_right_password_from_a_device_used_before_always_works(app, client, owner):
    laptop = app.test_client()
    assert login(laptop, *OWNER).status_code == 302
    laptop.post("/logout")
    # someone in the same room (same address) guesses the owner's password
    for _ in range(throttle.FREE_PER_ADDRESS + 1):
        response = login(client, OWNER[0], "wrong-password")
        assert response.status_code == 400 and b"Wrong email or password" in response.data
    slowed = login(client, *OWNER)
    assert slowed.status_code == 429 and b"Try again in 2 seconds" in slowed.data
    # the owner's laptop has signed in before: its right password is never refused
    assert login(laptop, *OWNER).status_code == 302
    # and its own typos neither delay it nor anyone else
    laptop.post("/logout")
    for _ in range(3):
        assert login(laptop, OWNER[0], "typo").status_code == 400
    assert login(laptop, *OWNER).status_code == 302


def test_wrong_passwords_elsewhere_bring_growing_delays_never_a_lockout(app, client, owner):
    key = f"pw:{OWNER[0]}:127.0.0.1"
    for _ in range(throttle.FREE_PER_ADDRESS):
        assert login(client, OWNER[0], "wrong").status_code == 400
    waits = []
    for _ in range(14):
        assert login(client, OWNER[0], "wrong").status_code == 400
        waits.append(login(client, OWNER[0], "wrong").get_data(as_text=True))
        _time_passes(key)
    assert "in 2 seconds" in waits[0] and "in 4 seconds" in waits[1]
    assert "in 9 minutes" in waits[8]  # 512 s
    assert "in 15 minutes" in waits[-1]  # the longest anyone waits
    # once the wait is over, the right password works from this new device
    assert login(client, *OWNER).status_code == 302


def test_guessing_one_account_from_many_addresses_delays_only_new_devices(app, owner):
    laptop = app.test_client()
    assert login(laptop, *OWNER).status_code == 302
    laptop.post("/logout")
    for n in range(throttle.FREE_PER_ACCOUNT + 1):  # under each address's own allowance
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"10.0.{n // 4}.{n % 4 + 1}"
        assert login(guesser, OWNER[0], "wrong").status_code == 400
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    assert login(stranger, *OWNER).status_code == 429
    assert login(laptop, *OWNER).status_code == 302
    # other accounts are not held back
    operations.run(accounts.create_facilitator, "co@example.org", "Co", "co-password")
    assert login(stranger, "co@example.org", "co-password").status_code == 302


def test_right_passwords_never_count(app, owner):
    # a room behind one address signs in as often as it likes
    for _ in range(throttle.FREE_PER_ADDRESS * 3):
        assert login(app.test_client(), *OWNER).status_code \
            == 302


def test_typos_never_hold_back_the_right_join_code(app, client, owner, workshop, monkeypatch):
    monkeypatch.setattr(throttle, "JOIN_CODE_CEILING", "40 per day")  # 1,000 in a venue
    for _ in range(30):
        assert client.post("/j", data={"code": "ZZZZZZ"}).status_code == 404
    slowed = client.post("/j", data={"code": "ZZZZZZ"})
    assert slowed.status_code == 429 and b"wait a minute" in slowed.data
    # the right code from the same address (the room's one address) still passes
    code = workshop.join_code
    right = client.post("/j", data={"code": f"{code[:3]} {code[3:].lower()}"})
    assert right.status_code == 302 and right.headers["Location"].endswith(f"/j/{code}")
    assert app.test_client().get(f"/j/{code}").status_code == 200
    # a flood of wrong codes (an attack, not typos) makes the address wait out the day
    for _ in range(9):
        assert client.get("/j/ZZZZZZ").status_code == 429
    assert client.get(f"/j/{code}").status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.8"
    assert elsewhere.get(f"/j/{code}").status_code == 200


def test_rejoin_code_guesses_are_slowed_down_and_the_right_code_passes(app, client, workshop):
    with app.test_request_context():
        person, _token = join(workshop, nonce_of("Rania", "rejoin"), "Rania", "IDAL",
                              workshop.profiles[0])
    code = workshop.join_code
    # the join code however it is spelt in the URL: one workshop, one count per client
    spellings = [code, code.lower(), f"{code[:3]}-{code[3:]}", f"{code[:3]} {code[3:]}"]
    for n in range(int(throttle.REJOIN_CODE_GUESSES.split()[0])):
        response = client.post(f"/j/{spellings[n % 4]}/rejoin",
                               data={"rejoin_code": "AAAAAAAAAA"})
        assert response.status_code == 400
    slowed = client.post(f"/j/{spellings[1]}/rejoin", data={"rejoin_code": "BBBBBBBBBB"})
    assert slowed.status_code == 429 and b"Too many wrong attempts" in slowed.data
    # the right code is never refused, from this address or another
    back = client.post(f"/j/{spellings[2]}/rejoin",
                       data={"rejoin_code": person.rejoin_code.lower()})
    assert back.status_code == 302
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = "10.0.0.8"
    wrong = phone.post(f"/j/{code}/rejoin", data={"rejoin_code": "CCCCCCCCCC"})
    assert wrong.status_code == 400
    assert len(person.rejoin_code) == 10


def test_cli_creates_a_facilitator_and_resets_a_password(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["create-facilitator", "--email", "cli@example.org",
                               "--name", "Cli", "--password", "cli-password"])
    assert made.exit_code == 0 and "Created cli@example.org" in made.output
    again = runner.invoke(args=["create-facilitator", "--email", "cli@example.org",
                                "--name", "Cli", "--password", "cli-password"])
    assert again.exit_code != 0 and "already exists" in again.output
    reset = runner.invoke(args=["reset-password", "--email", "cli@example.org",
                                "--password", "other-password"])
    assert reset.exit_code == 0
    assert accounts.authenticate("cli@example.org", "other-password").email == "cli@example.org"


def test_workshop_defaults_come_from_the_method(workshop):
    assert workshop.priority_count == 3 and workshop.dots_per_participant == 3
    assert "Chamber of commerce" in workshop.profiles and len(workshop.profiles) == 8
    assert workshop.stage == method.FIRST_STAGE
    assert len(workshop.join_code) == 6
    assert not set(workshop.join_code) & set("0O1IL")


def test_profiles_are_in_the_workshop_language(owner):
    french = operations.run(workshops.create_workshop, owner,
                            {"title": "Beyrouth", "language": "fr"})
    assert "Chambre de commerce" in french.profiles


@pytest.mark.parametrize("fields, message", [
    ({"title": "  "}, "title"),
    ({"title": "x", "language": "de"}, "English, French or Arabic"),
    ({"title": "x", "timezone": "Mars/Olympus"}, "time zone"),
    ({"title": "x", "priority_count": 0}, "between 1 and 10"),
    ({"title": "x", "dots_per_participant": "many"}, "whole numbers"),
    ({"title": "x", "profiles": ["y" * 81]}, "too long"),
])
def test_bad_workshop_settings_are_refused_and_nothing_is_saved(owner, fields, message):
    with pytest.raises(OperationError) as refused:
        operations.run(workshops.create_workshop, owner, fields)
    assert message in str(refused.value.message)
    assert db.session.query(Workshop).count() == 0


def test_new_workshop_form_shows_a_clear_message(client, owner):
    login(client, *OWNER)
    response = client.post("/workshops/new", data={"title": "T", "timezone": "Nowhere/Land",
                                                   "language": "en", "priority_count": 3,
                                                   "dots_per_participant": 3})
    assert response.status_code == 400 and b"not a known time zone" in response.data
    made = client.post("/workshops/new", data={"title": "Beirut", "timezone": "Asia/Beirut",
                                               "language": "ar", "priority_count": 3,
                                               "dots_per_participant": 3,
                                               "profiles": "Ministry\nChamber\n\nMinistry"})
    assert made.status_code == 302
    created = db.session.query(Workshop).one()
    assert created.profiles == ["Ministry", "Chamber"] and created.language == "ar"


def test_organisers_see_but_do_not_run_the_workshop(app, client, owner, workshop):
    organiser = operations.run(accounts.create_facilitator, "org@example.org", "Org",
                               "org-password")
    owner_viewer = workshops.viewer_for(workshop, owner)
    operations.run(workshops.add_member, owner_viewer, "org@example.org", "organiser")
    login(client, "org@example.org", "org-password")
    assert client.get(f"/workshops/{workshop.id}/console").status_code == 200
    assert client.get(f"/workshops/{workshop.id}/edit").status_code == 403
    live = socketio.test_client(app, flask_test_client=client,
                                auth={"workshop": workshop.id, "view": "console"})
    assert live.is_connected()
    ack = live.emit("stage.change", {"op_id": "organiser-0001", "from_stage": "welcome",
                                     "to_stage": "ideas"}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    db.session.refresh(workshop)
    assert workshop.stage == "welcome"
    # and a stranger's account does not even see it
    operations.run(accounts.create_facilitator, "x@example.org", "X", "x-password")
    other = app.test_client()
    login(other, "x@example.org", "x-password")
    assert other.get(f"/workshops/{workshop.id}/console").status_code == 403
    assert not socketio.test_client(app, flask_test_client=other, auth={
        "workshop": workshop.id, "view": "console"}).is_connected()
    assert organiser.id


def test_cofacilitator_moves_the_room_forward_and_back(app, client, owner, workshop):
    operations.run(accounts.create_facilitator, "co@example.org", "Co", "co-password")
    operations.run(workshops.add_member, workshops.viewer_for(workshop, owner), "co@example.org",
                   "cofacilitator")
    login(client, "co@example.org", "co-password")
    live = socketio.test_client(app, flask_test_client=client,
                                auth={"workshop": workshop.id, "view": "console"})
    stage = "welcome"
    for target in method.STAGE_KEYS[1:]:
        ack = live.emit("stage.change", {"op_id": f"forward-{target}", "from_stage": stage,
                                         "to_stage": target}, callback=True)
        assert ack["ok"], ack
        stage = target
    back = live.emit("stage.change", {"op_id": "back-0001", "from_stage": "closing",
                                      "to_stage": "shared_plan"}, callback=True)
    assert back["ok"] and db.session.get(Workshop, workshop.id).stage == "shared_plan"
    bad = live.emit("stage.change", {"op_id": "bad-00001", "from_stage": "shared_plan",
                                     "to_stage": "nowhere"}, callback=True)
    assert bad["error"]["code"] == "bad_stage"
    no_id = live.emit("stage.change", {"from_stage": "shared_plan", "to_stage": "closing"},
                      callback=True)
    assert no_id["error"]["code"] == "bad_request"


def test_method_is_four_steps_with_syntheses_after_each_group_sub_step():
    assert [s.number for s in method.STEPS] == [0, 1, 2, 3, 4, 5]
    group_stages = [s.key for s in method.STAGES if s.step == 3]
    assert group_stages == ["objectives", "objectives_synthesis", "actors",
                            "actors_synthesis", "actions", "actions_synthesis"]
    assert method.next_stage("welcome") == "ideas" and method.previous_stage("welcome") is None
    assert method.STAGE_KEYS[-1] == "closing"


def test_qr_code_decodes_to_the_configured_public_url(app, client, owner, workshop):
    import cairosvg
    import zxingcpp
    from PIL import Image

    app.config["PUBLIC_URL"] = "https://seminar.example.org"
    login(client, *OWNER)
    svg = client.get(f"/workshops/{workshop.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    png = cairosvg.svg2png(bytestring=svg.data, output_width=400)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [d.text for d in decoded] == [f"https://seminar.example.org/j/{workshop.join_code}"]
    sheet = client.get(f"/workshops/{workshop.id}/join-sheet").get_data(as_text=True)
    assert workshop.join_code in sheet and "https://seminar.example.org/j/" in sheet


def test_join_code_is_case_insensitive_and_replaceable(app, client, owner, workshop):
    code = workshop.join_code
    assert client.get(f"/j/{code.lower()}").status_code == 200
    with app.test_request_context():
        ack = perform(workshops.viewer_for(workshop, owner), "joining.update",
                      "replace-code-01", new_code=True)
    assert ack["ok"] and ack["join_code"] != code
    assert client.get(f"/j/{code}").status_code == 404
    assert client.get(f"/j/{ack['join_code']}").status_code == 200


def test_joining_closed_refuses_newcomers_with_a_message(app, client, owner, workshop):
    with app.test_request_context():
        perform(workshops.viewer_for(workshop, owner), "joining.update", "close-join-01",
                joining_open=False)
    response = client.post(f"/j/{workshop.join_code}", data={
        "nonce": "n" * 24, "name": "Late", "profile": workshop.profiles[0], "consent": "y"})
    assert response.status_code == 400 and b"Joining is closed" in response.data
    assert db.session.query(Participant).count() == 0


def test_a_closed_workshop_takes_no_newcomer(app, client, owner, workshop):
    with app.test_request_context():
        assert perform(workshops.viewer_for(workshop, owner), "workshop.close",
                       "close-workshop-01")["ok"]
    response = client.post(f"/j/{workshop.join_code}", data={
        "nonce": "n" * 24, "name": "Late", "profile": workshop.profiles[0], "consent": "y"})
    assert response.status_code == 400 and b"This workshop is closed" in response.data
    assert db.session.query(Participant).count() == 0


def test_phone_page_in_the_workshop_language_and_rtl(app, client, owner):
    arabic = operations.run(workshops.create_workshop, owner,
                            {"title": "ندوة عمّان", "language": "ar"})
    page = client.get(f"/j/{arabic.join_code}").get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    with app.test_request_context():
        participant, token = join(arabic, nonce_of("Sara", arabic.id), "سارة", "",
                                  arabic.profiles[0])
    client.set_cookie(participants.cookie_name(arabic.id), token)
    phone = client.get(f"/w/{arabic.id}").get_data(as_text=True)
    assert 'dir="rtl"' in phone and "سارة" in phone and participant.rejoin_code in phone


def test_phone_page_without_identity_does_not_reveal_the_code(client, workshop):
    response = client.get(f"/w/{workshop.id}")
    assert response.status_code == 302 and workshop.join_code not in response.headers["Location"]


def test_user_text_is_escaped(app, client, owner):
    workshop = operations.run(workshops.create_workshop, owner,
                              {"title": "<script>alert(1)</script>"})
    page = client.get(f"/j/{workshop.join_code}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
