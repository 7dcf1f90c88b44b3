"""The participant's pages: type the code, join, rejoin, and the live phone page.

Phone pages speak the language the person picks, else their phone's when the app has
it, else the workshop's (i18n.person_language).
"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import i18n, throttle
from ..errors import OperationError
from ..extensions import db
from ..forms import JoinForm, RejoinForm
from ..live import operations
from ..models import Workshop
from ..people import participants, rights
from .pages import page_config

bp = Blueprint("phone", __name__)
COOKIE_MAX_AGE = 60 * 24 * 3600


def _set_identity(response, workshop: Workshop, token: str):
    response.set_cookie(participants.cookie_name(workshop.id), token, max_age=COOKIE_MAX_AGE,
                        httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


def _join_form(workshop: Workshop) -> JoinForm:
    form = JoinForm()
    form.profile.choices = [("", _("Choose…"))] + [(p, p) for p in workshop.profiles]
    return form


def _render_join(workshop: Workshop, form: JoinForm, status: int = 200, **context):
    """The join page. A form shown again keeps its nonce, so sending it twice joins once."""
    form.nonce.data = form.nonce.data or secrets.token_urlsafe(24)
    context.setdefault("rejoin_form", RejoinForm())
    return render_template("phone/join.html", workshop=workshop, form=form, **context), status


def _current_participant(workshop: Workshop):
    return participants.identify(
        workshop.id, request.cookies.get(participants.cookie_name(workshop.id)))


@bp.route("/j", methods=["GET", "POST"])
def enter_code():
    """Where a person types the code read on the projector."""
    if request.method == "GET":
        return render_template("phone/enter_code.html")
    workshop = _workshop_of_code(request.form.get("code", ""))
    return redirect(url_for("phone.join", code=workshop.join_code))


def _workshop_of_code(code: str) -> Workshop:
    """The workshop of a join code. A right code always passes; a wrong one is counted
    for this address (facilitator.throttle) and answered 404, or 429 past the limits."""
    throttle.before_join_code()
    workshop = participants.find_by_code(code)
    if workshop is None:
        throttle.wrong_join_code()
        raise NoSuchCode()
    return workshop


class NoSuchCode(OperationError):
    def __init__(self):
        super().__init__("unknown_code", _(
            "No workshop has this code. Check the code on the screen and try again."))


@bp.errorhandler(NoSuchCode)
@bp.errorhandler(throttle.TooManyGuesses)
def _code_refused(refusal: OperationError):
    """A join code refused: the code page again with the sentence, 404 or 429."""
    status = 429 if isinstance(refusal, throttle.TooManyGuesses) else 404
    return render_template("phone/enter_code.html", error=str(refusal.message)), status


@bp.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    workshop = _workshop_of_code(code)
    i18n.person_language(workshop.language)
    if _current_participant(workshop) is not None:
        return redirect(url_for("phone.phone", workshop_id=workshop.id))
    form = _join_form(workshop)
    error = None
    if form.validate_on_submit():
        token = participants.token_for_nonce(workshop.id, form.nonce.data)
        try:
            operations.submit(participants.newcomer(workshop), "participant.join",
                              form.nonce.data, token=token, name=form.name.data,
                              organisation=form.organisation.data,
                              profile=form.profile.data, consent=form.consent.data)
        except OperationError as exc:
            error = str(exc.message)
        else:
            response = redirect(url_for("phone.phone", workshop_id=workshop.id))
            return _set_identity(response, workshop, token)
    elif form.is_submitted():
        error = _("The form expired. Please send it again.")
    return _render_join(workshop, form, 400 if error else 200, error=error)


@bp.post("/j/<code>/rejoin")
def rejoin(code: str):
    workshop = _workshop_of_code(code)
    i18n.person_language(workshop.language)
    form = RejoinForm()
    token = request.cookies.get(participants.cookie_name(workshop.id)) or secrets.token_hex(32)
    error = None
    if form.validate_on_submit():
        try:
            operations.submit(participants.newcomer(workshop), "participant.rejoin",
                              rejoin_code=form.rejoin_code.data, token=token)
        except OperationError as exc:
            error = str(exc.message)
            if exc.code == "bad_rejoin_code":
                try:
                    throttle.wrong_rejoin_code(code)
                except throttle.TooManyGuesses as slowed:
                    return _render_join(workshop, _join_form(workshop), 429,
                                        rejoin_form=form, rejoin_error=str(slowed.message))
        else:
            response = redirect(url_for("phone.phone", workshop_id=workshop.id))
            return _set_identity(response, workshop, token)
    else:
        error = _("The form expired. Please send it again.")
    return _render_join(workshop, _join_form(workshop), 400, rejoin_form=form,
                        rejoin_error=error)


@bp.get("/w/<int:workshop_id>")
def phone(workshop_id: int):
    workshop = db.session.get(Workshop, workshop_id) or abort(404)
    i18n.person_language(workshop.language)
    participant = _current_participant(workshop)
    if participant is None:  # never reveal the join code to someone who has not got it
        return redirect(url_for("phone.enter_code"))
    # plan_url: the public action plan's address (views/plan.py), for the phone's download
    # link, shown while the plan is shared (static/js/views/phone-plan.js)
    return render_template("phone/phone.html", workshop=workshop, participant=participant,
                           config=page_config(workshop, "phone", plan_url=url_for(
                               "plan.pdf", workshop_id=workshop.id)))


@bp.get("/w/<int:workshop_id>/my-data.json")
def my_data(workshop_id: int):
    """Everything the app holds about the participant this browser speaks for, as a JSON
    file to keep (docs/privacy.md); nobody else's. Known by the phone's cookie only."""
    workshop = db.session.get(Workshop, workshop_id) or abort(404)
    participant = _current_participant(workshop)
    if participant is None:
        abort(403)
    return rights.my_data_file(participant), 200, {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "private, no-store",
        "Content-Disposition": f'attachment; filename="my-data-workshop-{workshop.id}.json"'}
