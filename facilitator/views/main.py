"""The home page and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from ..extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    """For tests, scripts and load balancers: is the app up and its database reachable?"""
    try:
        db.session.execute(text("SELECT 1"))
        database = {"ok": True, "dialect": db.engine.dialect.name}
        status = 200
    except Exception as exc:  # the answer must say why, never crash
        database = {"ok": False, "error": exc.__class__.__name__}
        status = 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
