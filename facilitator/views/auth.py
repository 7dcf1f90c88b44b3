"""Signing in and out, and the first-run page that creates the first account."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts, operations, throttle, workshops
from ..payload import MAX_ID
from ..errors import OperationError
from ..extensions import db, login
from ..forms import FirstAccountForm, LoginForm
from ..models import Facilitator

bp = Blueprint("auth", __name__)


@login.user_loader
def load_facilitator(session_id: str) -> Facilitator | None:
    """The account of a session id "<id>:<session token>"; None once signed out."""
    facilitator_id, _, token = str(session_id).partition(":")
    if not facilitator_id.isdigit() or not token or int(facilitator_id) > MAX_ID:
        return None
    facilitator = db.session.get(Facilitator, int(facilitator_id))
    if facilitator is None or facilitator.session_token != token:
        return None
    return facilitator


def _next_url() -> str:
    target = request.args.get("next", "")
    # only a path on this site, never another host
    return target if target.startswith("/") and not target.startswith("//") else url_for(
        "console.workshops_list")


@bp.route("/login", methods=["GET", "POST"])
@throttle.password_guesses
def login_page():
    if not accounts.has_accounts():
        # nobody can log in yet: "Please log in to access this page" would mislead
        session.pop("_flashes", None)
        return redirect(url_for("auth.first_account"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            facilitator = accounts.authenticate(form.email.data, form.password.data)
        except OperationError as exc:
            error = str(exc.message)
        else:
            login_user(facilitator, remember=True)
            return redirect(_next_url())
    elif form.is_submitted():
        error = _("Please give your email and password.")
    return render_template("auth/login.html", form=form, error=error), 200 if not error else 400


@bp.route("/setup", methods=["GET", "POST"])
def first_account():
    """Only while no account exists: whoever installs the app creates the first one."""
    if accounts.has_accounts():
        abort(404)
    form = FirstAccountForm()
    error = None
    if form.validate_on_submit():
        try:
            facilitator = operations.run(accounts.create_facilitator, form.email.data,
                                         form.name.data, form.password.data)
        except OperationError as exc:
            error = str(exc.message)
        else:
            login_user(facilitator, remember=True)
            flash(_("Welcome! Create your first workshop."))
            return redirect(url_for("console.new_workshop"))
    elif form.is_submitted():
        error = " ".join(m for messages in form.errors.values() for m in messages)
    return render_template("auth/setup.html", form=form, error=error), 200 if not error else 400


@bp.post("/logout")
@login_required
def logout():
    """Signing out here signs this person out everywhere, open consoles included."""
    operations.run(workshops.signed_out, current_user._get_current_object())
    logout_user()
    return redirect(url_for("main.home"))
