"""The database a test runs on: SQLite, or a fresh PostgreSQL database of its own.

`make test` runs the suite twice: on SQLite, then with TEST_DATABASE_URL naming a
throwaway PostgreSQL server (scripts/postgres.sh). On PostgreSQL every app and every live
server gets a database of its own, copied from a template the real migrations made once
(a copy takes milliseconds; migrating each one would take a second), and dropped after.
`Kept` keeps a database a fixture built (the sample seminar at a stage) to copy into the
next test that asks for it, on either.
"""
from __future__ import annotations

import os
import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

SERVER = os.environ.get("TEST_DATABASE_URL") or None
TEMPLATE = "facilitator_test_template"


def dialect() -> str:
    """The database this run of the suite is about: "sqlite" or "postgresql"."""
    return make_url(SERVER).get_backend_name() if SERVER else "sqlite"


def _admin():
    import psycopg2

    url = make_url(SERVER)
    connection = psycopg2.connect(host=url.host, port=url.port, user=url.username,
                                  password=url.password, dbname=url.database)
    connection.autocommit = True
    return closing(connection)


def _url(name: str) -> str:
    return make_url(SERVER).set(database=name).render_as_string(hide_password=False)


def _make_template() -> None:
    """The template, migrated once per run of the suite (a marker table says done)."""
    with _admin() as admin, closing(admin.cursor()) as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (TEMPLATE,))
        if cursor.fetchone():
            return
        cursor.execute(f'CREATE DATABASE "{TEMPLATE}"')
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.extensions import db

    app = create_app("test", SQLALCHEMY_DATABASE_URI=_url(TEMPLATE))
    with app.app_context():
        upgrade()
        db.engine.dispose()  # a template is copied only while nobody is connected


def new_database(folder: Path, memory: bool = False) -> str:
    """A URL for a new, migrated database: an in-memory or on-disk SQLite one (in
    `folder`), or a copy of the PostgreSQL template."""
    if SERVER is None:
        return "sqlite://" if memory else f"sqlite:///{folder / 'live.sqlite'}"
    _make_template()
    name = f"t_{uuid.uuid4().hex[:16]}"
    with _admin() as admin, closing(admin.cursor()) as cursor:
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return _url(name)


def drop_database(url: str) -> None:
    """Drop a database new_database made on PostgreSQL (SQLite files go with their
    folder)."""
    if SERVER is None or not url.startswith("postgresql"):
        return
    with _admin() as admin, closing(admin.cursor()) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


class Kept:
    """Databases kept for the run of the suite, each copied into a test's own database
    on request: what a fixture built once (the sample seminar filled up to a stage) is
    given to every test that asks for it in milliseconds instead of seconds. An SQLite
    database is kept in memory (SQLite's backup API copies it both ways); a PostgreSQL
    one as a database of its own, which a test's database is made again from (CREATE
    DATABASE … TEMPLATE)."""

    def __init__(self) -> None:
        self._kept: dict = {}

    def __contains__(self, key) -> bool:
        return key in self._kept

    def keep(self, key, engine, url: str, note=None) -> None:
        """Keep a copy of the database at `url` (the engine's) as it is now, under `key`,
        with a `note` about it (copy_into gives it back). Nothing may be left
        uncommitted: the engine's connections are given back first."""
        if url.startswith("postgresql"):
            engine.dispose()  # a template is copied only while nobody is connected
            name = f"k_{uuid.uuid4().hex[:16]}"
            with _admin() as admin, closing(admin.cursor()) as cursor:
                cursor.execute(
                    f'CREATE DATABASE "{name}" TEMPLATE "{make_url(url).database}"')
            self._kept[key] = name, note
            return
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection = engine.raw_connection()
        try:
            connection.driver_connection.backup(copy)
        finally:
            connection.close()
        self._kept[key] = copy, note

    def copy_into(self, key, engine, url: str):
        """Make the database at `url` (the engine's) the copy kept under `key`, whatever
        it held gone, and give back the copy's note. The engine's connections are given
        back first."""
        kept, note = self._kept[key]
        if url.startswith("postgresql"):
            engine.dispose()
            name = make_url(url).database
            with _admin() as admin, closing(admin.cursor()) as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"')
            return note
        connection = engine.raw_connection()
        try:
            kept.backup(connection.driver_connection)
        finally:
            connection.close()
        return note

    def drop(self) -> None:
        for kept, _note in self._kept.values():
            if isinstance(kept, str):
                with _admin() as admin, closing(admin.cursor()) as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{kept}" WITH (FORCE)')
            else:
                kept.close()
        self._kept.clear()
