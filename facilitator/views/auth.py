"""Signing in and out, the first-run page that creates the first account, and the page
where an invited person joins a workshop's team (facilitator/people/invitations.py)."""
from __future__ import annotations

from flask import (Blueprint, abort, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .. import i18n, throttle
from ..errors import OperationError
from ..extensions import db, login
from ..forms import FirstAccountForm, Form, LoginForm
from ..live import operations
from ..models import Facilitator
from ..payload import MAX_ID
from ..people import accounts, invitations

bp = Blueprint("auth", __name__)
# the token of the invitation being opened: kept in the session, out of the page's address
INVITATION = "invitation"
ENDED = {"not_found": 404, "invitation_used": 410, "invitation_revoked": 410,
         "invitation_expired": 410}


class NewAccountForm(Form):
    """An invited person without an account: the invitation gives the email."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(_l("Password (8 characters or more)"),
                             validators=[DataRequired(), Length(max=200)])


class SignInForm(Form):
    """An invited person with an account; the email (shown, not changed) also names the
    account whose wrong passwords are slowed down (throttle.password_attempt)."""

    email = EmailField(_l("Email"), render_kw={"readonly": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class JoinForm(Form):
    """Already signed in with the invitation's email: one button."""


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


def _next_url(default: str = "console.workshops_list") -> str:
    target = request.args.get("next", "")
    # only a path on this site, never another host
    return target if target.startswith("/") and not target.startswith("//") else url_for(
        default)


def _signed_in(facilitator: Facilitator, target: str):
    """Sign in and go on; this browser becomes a device the account has used."""
    login_user(facilitator, remember=True)
    return throttle.signed_in(redirect(target), facilitator.id, facilitator.email)


@bp.route("/login", methods=["GET", "POST"])
def login_page():
    if not accounts.has_accounts():
        # nobody can log in yet: "Please log in to access this page" would mislead
        session.pop("_flashes", None)
        return redirect(url_for("auth.first_account"))
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        account = accounts.find(form.email.data)
        try:
            facilitator = throttle.password_attempt(
                form.email.data, account.id if account else None,
                lambda: accounts.authenticate(form.email.data, form.password.data))
        except OperationError as exc:
            error, status = str(exc.message), _refusal_status(exc)
        else:
            return _signed_in(facilitator, _next_url())
    elif form.is_submitted():
        error, status = _("Please give your email and password."), 400
    return render_template("auth/login.html", form=form, error=error), status


def _refusal_status(refusal: OperationError) -> int:
    return 429 if isinstance(refusal, throttle.TooManyGuesses) else 400


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
            flash(_("Welcome! Create your first workshop."))
            return _signed_in(facilitator, url_for("console.new_workshop"))
    elif form.is_submitted():
        error = " ".join(m for messages in form.errors.values() for m in messages)
    return render_template("auth/setup.html", form=form, error=error), 200 if not error else 400


@bp.post("/logout")
@login_required
def logout():
    """Signing out here signs this person out everywhere, open consoles included."""
    operations.run(accounts.signed_out, current_user._get_current_object())
    logout_user()
    return redirect(_next_url("main.home"))


@bp.get("/invitations/<token>")
def open_invitation(token: str):
    """The link sent to an invited person. Its token moves into the session and the page
    to an address without it, so it is in no later address, Referer or logged error."""
    session[INVITATION] = token[:100]
    return redirect(url_for("auth.invitation"))


@bp.route("/invitation", methods=["GET", "POST"])
def invitation():
    """Join the team the invitation names: with a new account, by signing in to the
    account that has its email, or with one button when already signed in with it."""
    token = session.get(INVITATION)
    invited = invitations.find(token)
    if invited is not None:
        i18n.person_language(invited.language)
    try:
        invitations.usable(token)
    except OperationError as exc:
        return _invitation_ended(exc)
    if current_user.is_authenticated:
        mode = "join" if current_user.email == invited.email else "other_account"
    else:
        mode = "sign_in" if accounts.find(invited.email) else "new_account"
    form = {"join": JoinForm, "other_account": JoinForm, "sign_in": SignInForm,
            "new_account": NewAccountForm}[mode]()
    if mode == "sign_in":
        form.email.data = invited.email
    error, status = None, 200
    if mode != "other_account" and form.validate_on_submit():
        try:
            facilitator = _accept(mode, token, form)
        except OperationError as exc:
            if exc.code in ENDED:
                return _invitation_ended(exc)
            error, status = str(exc.message), _refusal_status(exc)
        else:
            session.pop(INVITATION, None)
            flash(_("Welcome to the team of “%(title)s”.", title=invited.workshop.title))
            return _signed_in(facilitator, url_for("console.console",
                                                   workshop_id=invited.workshop_id))
    elif form.is_submitted():
        error = " ".join(str(m) for messages in form.errors.values() for m in messages) or \
            _("The form expired. Please send it again.")
        status = 400
    return render_template("auth/invitation.html", invitation=invited, mode=mode, form=form,
                           error=error, expires=invitations.expiry_date(invited),
                           role=invitations.ROLE_NAMES[invited.role]), status


def _accept(mode: str, token: str, form) -> Facilitator:
    if mode == "join":
        operations.run(invitations.accept, token, current_user._get_current_object())
        return current_user._get_current_object()
    if mode == "sign_in":
        account = accounts.find(form.email.data)
        return throttle.password_attempt(
            form.email.data, account.id if account else None,
            lambda: operations.run(invitations.accept_signing_in, token, form.password.data))
    return operations.run(invitations.accept_with_new_account, token, form.name.data,
                          form.password.data)


def _invitation_ended(refusal: OperationError):
    """A link that no longer works: the page says why, and where to go instead."""
    action = None
    if refusal.code == "invitation_used":
        action = (url_for("console.workshops_list"), _("My workshops")) \
            if current_user.is_authenticated else (url_for("auth.login_page"), _("Sign in"))
    return render_template("message.html", message=refusal.message, action=action), \
        ENDED.get(refusal.code, 400)
