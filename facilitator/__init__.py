"""Facilitator: runs a strategy seminar live and turns it into an action plan.

`create_app` is the one place where extensions, blueprints, socket handlers and CLI
commands are wired, so tests and the server build the same app.
"""
from __future__ import annotations

import warnings

from flask import Flask
from flask_compress import Compress

from config import BASE_DIR, CONFIGS, INSTANCE_DIR, Config

from . import database
from .live import cluster

# eventlet is in maintenance mode upstream; we know (docs/deploy.md): say it once there,
# not on every command the CLI runs (wsgi.py filters it before importing eventlet)
warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")


def create_app(config: str | type[Config] = "venue", **overrides) -> Flask:
    """Build the app for a configuration name ("venue", "production", "test") or class."""
    config_class = CONFIGS[config] if isinstance(config, str) else config
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    # JSON in pages and responses as UTF-8: Arabic text is half the bytes of \uXXXX escapes
    app.json.ensure_ascii = False
    config_class.init_app(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = database.database_url(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SOCKETIO_ASYNC_MODE"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **database.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}

    from . import assets, i18n, security
    from .extensions import csrf, db, limiter, login, migrate, socketio
    from .live import wire

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    Compress(app)  # text responses (pages, CSS, scripts, JSON) compressed on the wire
    login.init_app(app)
    limiter.init_app(app)
    login.login_view = "auth.login_page"
    from . import cli
    from .live import handlers  # registers the Socket.IO handlers

    cli.init_app(app)
    handlers.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        client_manager=cluster.client_manager(app.config["SOCKETIO_MESSAGE_QUEUE"]),
        ping_interval=10,
        ping_timeout=20,
        max_http_buffer_size=app.config["SOCKETIO_MAX_MESSAGE_BYTES"],
        serializer=wire.Frame,  # a message it cannot read is answered (wire.py)
        json=wire.JSON,
    )
    cluster.init_app(app, socketio)
    security.around_transport(app)

    from .views import auth, console, main, phone, register_blueprints

    app.url_map.converters["int"] = main.IdConverter

    for blueprint in (main.bp, auth.bp, console.bp, phone.bp):
        app.register_blueprint(blueprint)
    register_blueprints(app)
    return app
