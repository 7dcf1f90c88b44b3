"""The home page (the first-run page while no account exists) and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from ..extensions import db
from ..live.cluster import process_name
from ..payload import MAX_ID
from ..people.accounts import has_accounts

bp = Blueprint("main", __name__)


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number too large for a database id is a 404 like any
    unknown id, not a server error."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's signature)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
def not_here(error):
    """A page that is not there (a link mistyped, a workshop its owner deleted) or not
    this person's: a sentence in their language rather than the framework's English page;
    a script reading JSON gets JSON."""
    message = _("This page is not open to you. Please sign in with an account of this "
                "workshop's team.") if error.code == 403 else _(
        "This page does not exist, or no longer does. Check the address, or ask the "
        "person who gave it to you.")
    if request.path.endswith(".json"):
        return jsonify(error=message), error.code
    return render_template("message.html", message=message), error.code


@bp.get("/")
def home():
    """A new installation opens on the page that creates its first account."""
    if not has_accounts():
        return redirect(url_for("auth.first_account"))
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    """For tests, scripts and load balancers: is the app up and its database reachable,
    and which process answered (several may serve the app behind nginx)?"""
    try:
        db.session.execute(text("SELECT 1"))
        database = {"ok": True, "dialect": db.engine.dialect.name}
        status = 200
    except Exception as exc:  # the answer must say why, never crash
        database = {"ok": False, "error": exc.__class__.__name__}
        status = 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database,
                   process=process_name()), status
