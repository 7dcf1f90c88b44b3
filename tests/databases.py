"""The database a test runs on: SQLite, or a fresh PostgreSQL database of its own.

`make test` runs the suite twice: on SQLite, then with TEST_DATABASE_URL naming a
throwaway PostgreSQL server (scripts/postgres.sh). On PostgreSQL every app and every live
server gets a database of its own, copied from a template the real migrations made once
(a copy takes milliseconds; migrating each one would take a second), and dropped after.
"""
from __future__ import annotations

import os
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
