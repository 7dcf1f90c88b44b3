"""Configurations. `make run` uses VenueConfig; a server farm uses ProductionConfig.

The async mode is a value (SOCKETIO_ASYNC_MODE), so eventlet, gevent or threading is a
switch, not a rewrite.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("FACILITATOR_INSTANCE", BASE_DIR / "instance"))


class SetupError(RuntimeError):
    """A setting the app cannot start with; the message says what to do. The entry
    point prints it as a sentence, not a traceback."""


def _instance_secret_key() -> str:
    """A key generated once and kept under instance/, so a restart logs nobody out."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    """Defaults shared by every configuration."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'facilitator.sqlite'}"
    )
    # set per database in facilitator/database.py (pool sized for green threads);
    # anything given here overrides it
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # eventlet's default pool is 1,024 green threads; a room of phones plus their
    # reconnects can pass that, so the runner raises it.
    EVENTLET_MAX_CONNECTIONS = int(os.environ.get("EVENTLET_MAX_CONNECTIONS", "5000"))
    # Several server processes (facilitator/live/cluster.py, docs/deploy.md): this process's
    # name, which starts its sockets' session ids so nginx routes them back to it, and
    # the number of proxies in front whose X-Forwarded-* headers are trusted
    NODE_NAME = os.environ.get("FACILITATOR_NODE") or None
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # SQLite: copies into instance/backups/ at every stage change and after 5 minutes of
    # activity (facilitator/backups.py); the server looks every BACKUP_POLL_SECONDS
    AUTOMATIC_BACKUPS = os.environ.get("AUTOMATIC_BACKUPS", "1") != "0"
    BACKUP_POLL_SECONDS = float(os.environ.get("BACKUP_POLL_SECONDS", "15"))
    # The public edition of the plan rendered in the background when a workshop closes
    # and after each correction (facilitator/steps/closing.py render_ahead)
    PLAN_RENDER_AHEAD = os.environ.get("PLAN_RENDER_AHEAD", "1") != "0"
    # A public URL for join links and QR codes; unset means "the laptop's LAN address" at
    # SERVER_PORT, the port wsgi.py serves (PORT)
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
    SERVER_PORT = int(os.environ.get("PORT", "5000"))
    # Invitations to a workshop's team are also emailed when a mail server is set
    # (facilitator/mail.py); without MAIL_SERVER nothing is sent and the owner copies the
    # link. MAIL_USE_TLS: STARTTLS on MAIL_PORT (587 usually); MAIL_USE_SSL: TLS from the
    # start (465). MAIL_TIMEOUT bounds every exchange with the server, in seconds.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 0) or None
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0").lower() in ("1", "true", "yes")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER") or None
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT") or 10)
    LANGUAGES = ("en", "fr", "ar")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    NODE_MODULES = str(BASE_DIR / "node_modules")
    WTF_CSRF_TIME_LIMIT = None  # a seminar lasts a day; the token lives with the session
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # "Remember me" (a facilitator stays signed in on a laptop between days of a seminar):
    # the same flags as the session's, for REMEMBER_DAYS (14 unless set)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS") or 14))
    MAX_CONTENT_LENGTH = 1 * 1024 * 1024
    # The largest Socket.IO message the server reads. Far above the largest valid
    # payload (a confirm with ten titles and descriptions is under 16 KiB), so an
    # oversized card is refused with `too_long` instead of the connection being dropped.
    SOCKETIO_MAX_MESSAGE_BYTES = 1024 * 1024
    # Failed sign-ins and code guesses are counted here (see facilitator/throttle.py):
    # memory for one process, e.g. redis://127.0.0.1:6379 for several.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Flask-Compress: its defaults, a little tighter for zstd and brotli; the phone's
    # scripts and stylesheet take about 3 ms to compress (docs/performance.md)
    COMPRESS_ZSTD_LEVEL = 9
    COMPRESS_BR_LEVEL = 6
    # a revalidated vendor file compares its compressed ETag too (else it is sent again)
    COMPRESS_STREAMING_ENDPOINT_CONDITIONAL = ["static", "assets.vendor_file"]

    @classmethod
    def init_app(cls, app) -> None:
        """Work a configuration does once it knows the app (files, checks)."""


class VenueConfig(Config):
    """A laptop at the venue: SQLite in instance/, a secret key kept there, no debugger.

    Secure-cookie flags only when served over HTTPS (PUBLIC_URL starting with https://):
    on a plain-HTTP venue network browsers would drop such cookies.
    """

    DEBUG = False

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _instance_secret_key()
        secure = (app.config["PUBLIC_URL"] or "").startswith("https://")
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = secure


class ProductionConfig(Config):
    """Several processes behind a proxy: secrets and services come from the environment."""

    SESSION_COOKIE_SECURE = REMEMBER_COOKIE_SECURE = not (
        os.environ.get("PUBLIC_URL") or "").startswith("http://")

    @classmethod
    def init_app(cls, app) -> None:
        if not app.config.get("SECRET_KEY"):
            raise SetupError(
                "SECRET_KEY is not set; production refuses to start without it. "
                "Set it, e.g.: export SECRET_KEY=$(python3 -c "
                "'import secrets; print(secrets.token_hex(32))')"
            )
        if not app.config.get("PUBLIC_URL"):
            raise SetupError(
                "PUBLIC_URL is not set: it is the address people reach the server at, "
                "printed on join links, QR codes and invitations. Set it, e.g.: "
                "export PUBLIC_URL=https://seminar.example.org")


class TestConfig(Config):
    """pytest: a throwaway database, threading mode for the Socket.IO test client."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    # tests/conftest.py gives each test a database of its own (a PostgreSQL one when
    # TEST_DATABASE_URL names a server: tests/databases.py)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SOCKETIO_ASYNC_MODE = "threading"
    WTF_CSRF_ENABLED = False
    MAIL_SERVER = None  # a test that sends mail starts its own SMTP server
    PLAN_RENDER_AHEAD = False  # a test that wants it turns it on


CONFIGS = {"venue": VenueConfig, "production": ProductionConfig, "test": TestConfig}
