"""Fixtures: the app in-process (flaskr style), the app as a real server, and a browser.

The test process is never monkey-patched: the live server runs `wsgi.py` (eventlet) in a
subprocess on 127.0.0.1 and a free port, and the tests talk to it over real sockets.

An account and its new workshop, nothing more: `owner` and `workshop`.
A room to test in, at any stage: in-process, `room` (the bare room) and `room_at(until)`
(the sample seminar), whose phones and consoles are viewers (tests/steps.py); on the
live server, `live_room(until)` and `live_rooms(until)` (one per module), whose
`console()`, `projector()` and `phone(name)` are real sockets (tests/clients.LiveRoom).
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from facilitator import create_app, workshops
from facilitator.extensions import db
from facilitator.live import operations
from facilitator.people import accounts
from facilitator.sample import create_sample
from tests.clients import LiveRoom
from tests.databases import Kept, dialect, drop_database, new_database
from tests.steps import OWNER, SAMPLE_OWNER, make_room, sample_room, walk_to
from tests.support import ARTIFACTS, DESKTOP, PHONE, Browser, LiveServer

IN_CI = os.environ.get("CI") == "true"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Tests about one database itself (marked `postgres` or `sqlite`) run in that
    database's pass of `make test` only."""
    other = "sqlite" if dialect() == "postgresql" else "postgres"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture
def app(tmp_path):
    """An app on a fresh database (SQLite in memory, or a PostgreSQL database of its own:
    tests/databases.py), schema made by the real migrations, with an instance folder of
    its own (the plan cache is written there, not in the checkout)."""
    url = new_database(tmp_path, memory=True)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def separate_browsers(monkeypatch):
    """Each test client a browser of its own (tests.support.Browser), for tests where
    several people's browsers meet in one test."""
    monkeypatch.setattr(Flask, "test_client_class", Browser)


@pytest.fixture
def room(app):
    """The bare room: a workshop at the ideas stage, its owner's console, the projector
    and two phones (tests/steps.py)."""
    yield from make_room(app)


@pytest.fixture
def owner(app):
    """A facilitator's account (its email and password: tests/steps.OWNER) and nothing
    else yet: for signing in, a team, new workshops. The bare room's owner has the same
    email: not with `room`."""
    return operations.run(accounts.create_facilitator, OWNER[0], "Owner", OWNER[1])


@pytest.fixture
def workshop(owner):
    """`owner`'s new workshop as the form makes it from a title alone: English, the
    method's defaults, at the welcome, nobody joined (tests/steps.phone_client joins)."""
    return operations.run(workshops.create_workshop, owner,
                          {"title": "Amman seminar", "language": "en"})


@pytest.fixture(scope="session")
def _kept():
    """The sample seminars `room_at` built, kept for the run (tests/databases.Kept)."""
    kept = Kept()
    yield kept
    kept.drop()


def _empty() -> bool:
    return not any(db.session.scalar(select(func.count()).select_from(table))
                   for table in db.metadata.sorted_tables)


@pytest.fixture
def room_at(app, _kept):
    """Factory: `room_at(until)` is the sample seminar (facilitator/sample.py) filled up to
    `until`, as `flask sample --until` fills it, in this test's database, as a room
    (tests/steps.sample_room). `then` changes it further before the test: a stage key
    (the room walks there, tests/steps.walk_to) or a function given the room, which
    commits what it does. `owner`: (email, password) of the sample's facilitator.

    Each seminar is built once per run and copied into the next tests that ask for the
    same one (a copy takes milliseconds, a build seconds), when their database is still
    empty; call it before adding anything else. Once per test."""
    made = []

    def make(until: str, then: str | Callable[[dict], None] | None = None,
             owner: tuple[str, str] = SAMPLE_OWNER) -> dict:
        assert not made, "room_at gives one room per test"
        key = (until, then, owner)
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        fresh = _empty()
        db.session.remove()
        if key in _kept and fresh:
            workshop_id = _kept.copy_into(key, db.engine, url)
        else:
            workshop_id = create_sample(*owner, until=until).id
            if isinstance(then, str):
                walk_to(sample_room(workshop_id, owner[0]), then)
            elif then is not None:
                then(sample_room(workshop_id, owner[0]))
            db.session.commit()
            db.session.remove()
            if fresh:
                _kept.keep(key, db.engine, url, workshop_id)
        made.append(sample_room(workshop_id, owner[0]))
        return made[0]

    return make


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real server (eventlet) in a subprocess, with its own database and instance."""
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_room(live_server):
    """Factory: `live_room(until)` is a new sample seminar on the live server, filled up
    to `until`, with the clients the test opens on it (tests/clients.LiveRoom); they are
    closed after the test. Keyword arguments go to LiveRoom."""
    made = []

    def make(until: str = "welcome", **settings) -> LiveRoom:
        made.append(LiveRoom(live_server, until, **settings))
        return made[-1]

    yield make
    for room in made:
        room.close()


@pytest.fixture(scope="module")
def live_rooms(request):
    """Factory: `live_rooms(until)` is the module's sample seminar filled up to `until`,
    made on the first call and shared by every test of the module that asks for the same
    one (each sees what the others changed); on the live server, or on the served app
    `on` (the cluster). Its clients are closed at the module's end."""
    made: dict = {}

    def get(until: str = "welcome", on=None, **settings) -> LiveRoom:
        served = on or request.getfixturevalue("live_server")
        key = (until, id(served), tuple(sorted(settings.items())))
        if key not in made:
            made[key] = LiveRoom(served, until, **settings)
        return made[key]

    yield get
    for room in made.values():
        room.close()


def _skip_or_fail(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a skipped browser or service test fails the run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; nothing downloads a browser."""
    if not Path(CHROMIUM).exists():
        _skip_or_fail(
            f"Chromium is not installed at {CHROMIUM}. Install it with: "
            "sudo apt-get update && sudo apt-get install -y chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(**DESKTOP)
    yield context
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _artifacts_dir():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
