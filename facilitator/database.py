"""The database the app runs on: SQLite at a venue, PostgreSQL on servers.

Both are first class. What differs is said here once: the driver PostgreSQL needs under
eventlet (psycopg2, whose waits eventlet.monkey_patch() makes green; psycopg 3's would
block every socket of the process while one query waits on a lock), the connection pool
sized for green threads, and SQLite's pragmas.
"""
from __future__ import annotations

import importlib.util
import os
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from config import SetupError

# the name the app's PostgreSQL connections carry: `flask restore` refuses to replace a
# database while another one is connected (pg_stat_activity)
APPLICATION_NAME = "facilitator"


def dialect(uri: str) -> str:
    return make_url(uri).get_backend_name()


def database_url(uri: str, async_mode: str) -> str:
    """The URL to give SQLAlchemy for the URL configured. A plain postgresql://… means
    psycopg2 (SQLAlchemy 2.1 would pick psycopg 3); a driver that is missing or would
    freeze the server is refused with a sentence."""
    url = make_url(uri)
    if url.get_backend_name() != "postgresql":
        return uri
    if "+" not in url.drivername:
        url = url.set(drivername="postgresql+psycopg2")
    driver = url.get_driver_name()
    if driver == "psycopg" and async_mode == "eventlet":
        raise SetupError(
            "DATABASE_URL asks for psycopg 3 (postgresql+psycopg://), whose waits do not "
            "yield to eventlet: one query waiting on a lock would freeze every phone of "
            "the process. Write the URL as postgresql://user:password@host/db (psycopg2).")
    if driver == "psycopg2" and importlib.util.find_spec("psycopg2") is None:
        raise SetupError(
            "DATABASE_URL names a PostgreSQL database, but its driver is not installed. "
            "Install the postgres extra: .venv/bin/pip install -e '.[postgres]'")
    return url.render_as_string(hide_password=False)


def engine_options(uri: str) -> dict:
    """SQLAlchemy engine options for this URL. PostgreSQL's pool is sized for green
    threads: every operation waiting for the workshop's row lock holds a connection, so
    a process needs more than a thread pool would (DATABASE_POOL_SIZE, default 10, plus
    DATABASE_MAX_OVERFLOW, 20); a request finding none free waits DATABASE_POOL_TIMEOUT
    seconds (10), then is answered server_error and the client sends it again. Only a
    server's connection can go stale (PostgreSQL restarted): pinging it before use costs
    every operation a round trip, which an SQLite file in the process does not need."""
    options: dict = {}
    if dialect(uri) == "postgresql":
        options.update(
            pool_pre_ping=True,
            pool_size=int(os.environ.get("DATABASE_POOL_SIZE", "10")),
            max_overflow=int(os.environ.get("DATABASE_MAX_OVERFLOW", "20")),
            pool_timeout=float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
            connect_args={"application_name": APPLICATION_NAME},
        )
    return options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets the projector read while a phone writes; busy_timeout rides out a lock;
    secure_delete overwrites what is deleted with zeros, so a row deleted (a committee
    member's email, docs/privacy.md) leaves no bytes in free pages, nor in the WAL once
    it is checkpointed."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
