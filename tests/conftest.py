"""Fixtures: the app in-process (flaskr style), the app as a real server, and a browser.

The test process is never monkey-patched: the live server runs `wsgi.py` (eventlet) in a
subprocess on 127.0.0.1 and a free port, and the tests talk to it over real sockets.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from facilitator import create_app
from facilitator.extensions import db
from tests.databases import dialect, drop_database, new_database
from tests.support import ARTIFACTS, Browser, LiveServer

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
    """A workshop at the ideas stage with a console, the projector and two phones."""
    from tests.steps import make_room

    yield from make_room(app)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The real server (eventlet) in a subprocess, with its own database and instance."""
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


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


PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 820}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


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
