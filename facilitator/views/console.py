"""The facilitator's pages: workshops, their settings and team (invitations too), the
console, the projector, the join sheet. The console's live controls go through Socket.IO
operations (live/handlers.py).

The projector, a group's screen and the join sheet speak the workshop's language, or the
one in their own URL (?lang=), whatever the console's: i18n.screen_language."""
from __future__ import annotations

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   session, url_for)
from flask_babel import force_locale, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Length

from .. import i18n, joining, workshops
from ..errors import OperationError
from ..extensions import db
from ..forms import DeleteWorkshopForm, Form, ImportForm, MemberForm, WorkshopForm
from ..live import operations
from ..models import Invitation, WorkingGroup, Workshop
from ..people import invitations
from ..plan import drawings
from ..viewers import Viewer
from .pages import page_config

bp = Blueprint("console", __name__, url_prefix="/workshops")
# the link of the invitation just made, shown once on the team page (only its hash is kept)
NEW_INVITATION = "new_invitation"
ROLE_CHOICES = [("cofacilitator", _l("Co-facilitator")), ("organiser", _l("Organiser"))]


class InvitationForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


@bp.before_request
@login_required
def require_login():
    """Every page here is for signed-in facilitators."""


def staff_workshop(workshop_id: int, runner: bool = False) -> tuple[Workshop, Viewer]:
    workshop = db.session.get(Workshop, workshop_id) or abort(404)
    viewer = workshops.viewer_for(workshop, current_user)
    if viewer is None or not viewer.is_staff or (runner and not viewer.runs_workshop):
        abort(403)
    return workshop, viewer


def _lines(text: str | None) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _settings(form: WorkshopForm) -> dict:
    return {**{k: form[k].data for k in ("title", "purpose", "venue", "date", "timezone",
                                         "language", "priority_count",
                                         "dots_per_participant")},
            "profiles": _lines(form.profiles.data), "partners": _lines(form.partners.data)}


@bp.get("/")
def workshops_list():
    return render_template("console/workshops.html",
                           workshops=workshops.workshops_of(current_user),
                           import_form=ImportForm())


@bp.route("/new", methods=["GET", "POST"])
def new_workshop():
    form = WorkshopForm(language=str(get_locale()))  # the interface's language, to begin with
    error = None
    if form.validate_on_submit():
        try:
            workshop = operations.run(workshops.create_workshop, current_user,
                                      _settings(form))
        except OperationError as exc:
            error = str(exc.message)
        else:
            return redirect(url_for("console.console", workshop_id=workshop.id))
    elif form.is_submitted():
        error = _("Please check the fields marked below.")
    return render_template("console/workshop_form.html", form=form, error=error,
                           workshop=None), 400 if error else 200


@bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
def edit_workshop(workshop_id: int):
    workshop, viewer = staff_workshop(workshop_id, runner=True)
    form = WorkshopForm(obj=workshop if request.method == "GET" else None)
    if request.method == "GET":
        form.profiles.data = "\n".join(workshop.profiles)
        form.partners.data = "\n".join(workshop.partners)
    error = None
    if form.validate_on_submit():
        try:
            operations.submit(viewer, "workshop.update", settings=_settings(form))
        except OperationError as exc:
            error = str(exc.message)
        else:
            flash(_("Saved."))
            return redirect(url_for("console.edit_workshop", workshop_id=workshop.id))
    elif form.is_submitted():
        error = _("Please check the fields marked below.")
    return _settings_page(workshop, viewer, form, error=error), 400 if error else 200


def _settings_page(workshop: Workshop, viewer: Viewer, form: WorkshopForm | None = None,
                   **context) -> str:
    """The settings page: the settings, the team, and for the owner the deletion."""
    if form is None:
        form = WorkshopForm(formdata=None, obj=workshop)
        form.profiles.data = "\n".join(workshop.profiles)
        form.partners.data = "\n".join(workshop.partners)
    owner = viewer.role == "owner"
    context["delete_form"] = (context.get("delete_form") or DeleteWorkshopForm(formdata=None)
                              ) if owner else None
    return render_template("console/workshop_form.html", form=form, workshop=workshop,
                           viewer=viewer, **_team(workshop, viewer), **context)


@bp.post("/<int:workshop_id>/delete")
def delete_workshop(workshop_id: int):
    """The owner deletes the workshop and everything it holds, confirmed by typing its
    join code (the settings page's last section); its sockets are cut off everywhere."""
    workshop, viewer = staff_workshop(workshop_id, runner=True)
    form = DeleteWorkshopForm()
    if not form.validate_on_submit():
        return _settings_page(workshop, viewer, delete_form=form, delete_error=_(
            "The form expired. Please send it again.")), 400
    try:
        done = operations.submit(viewer, "workshop.delete",
                                 confirmation=form.confirm_code.data)
    except OperationError as exc:
        if exc.code in ("forbidden", "not_found"):
            abort(403 if exc.code == "forbidden" else 404)
        return _settings_page(workshop, viewer, delete_form=form,
                              delete_error=str(exc.message)), 400
    flash(_("“%(title)s” was deleted.", title=done["title"]))
    return redirect(url_for("console.workshops_list"))


def _team(workshop: Workshop, viewer: Viewer) -> dict:
    """The team part of the settings page: the owner also sees the invitations waiting,
    and the link just made (once)."""
    if viewer.role != "owner":
        return {"invitation_form": None}
    new = session.pop(NEW_INVITATION, None)
    waiting = invitations.waiting(workshop.id)
    just_made = next((i for i in waiting if new and i.id == new.get("id")), None)
    return {"invitation_form": InvitationForm(formdata=None), "waiting": waiting,
            "state": invitations.state, "expiry_date": invitations.expiry_date,
            "new_invitation": {"invitation": just_made, "link": new["link"]}
            if just_made else None}


def _team_page(workshop: Workshop):
    return redirect(url_for("console.edit_workshop", workshop_id=workshop.id,
                            _anchor="team"))


def _team_change(workshop: Workshop, done: str, viewer: Viewer, operation: str, **fields):
    """A change to the team through the operation path, said on the team page."""
    try:
        operations.submit(viewer, operation, **fields)
        flash(done)
    except OperationError as exc:
        flash(str(exc.message), "error")
    return _team_page(workshop)


@bp.post("/<int:workshop_id>/invitations")
def invite(workshop_id: int):
    """The owner invites an email: the link is shown once to copy, and emailed when a
    mail server is set up."""
    workshop, viewer = staff_workshop(workshop_id, runner=True)
    form = InvitationForm()
    if not form.validate_on_submit():
        flash(_("Please give the email of the person to invite, and their role."), "error")
        return _team_page(workshop)
    try:
        made = operations.submit(viewer, "invitation.create", email=form.email.data,
                                 role=form.role.data, language=str(get_locale()))
    except OperationError as exc:
        flash(str(exc.message), "error")
        return _team_page(workshop)
    invitations.mail_invitation(db.session.get(Invitation, made["invitation_id"]),
                                made["token"])
    session[NEW_INVITATION] = {"id": made["invitation_id"],
                               "link": invitations.link(made["token"])}
    return _team_page(workshop)


@bp.post("/<int:workshop_id>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(workshop_id: int, invitation_id: int):
    workshop, viewer = staff_workshop(workshop_id, runner=True)
    return _team_change(workshop, _("Invitation revoked: its link no longer works."),
                        viewer, "invitation.revoke", invitation_id=invitation_id)


@bp.post("/<int:workshop_id>/members")
def add_member(workshop_id: int):
    """A member's role changed (the team page's buttons), or an existing account added
    by its email (scripts); people are otherwise invited."""
    workshop, viewer = staff_workshop(workshop_id)
    form = MemberForm()
    if not form.validate_on_submit():
        flash(_("Please give the email of an existing account."), "error")
        return _team_page(workshop)
    return _team_change(workshop, _("Saved."), viewer, "team.add", email=form.email.data,
                        role=form.role.data)


@bp.post("/<int:workshop_id>/members/<int:facilitator_id>/remove")
def remove_member(workshop_id: int, facilitator_id: int):
    workshop, viewer = staff_workshop(workshop_id)
    return _team_change(workshop, _("Removed."), viewer, "team.remove",
                        facilitator_id=facilitator_id)


@bp.get("/<int:workshop_id>/console")
def console(workshop_id: int):
    workshop, viewer = staff_workshop(workshop_id)
    # who made a change after the close (the closing's records name "facilitator:<id>")
    facilitators = {m.facilitator_id: m.facilitator.name for m in workshop.memberships}
    return render_template("console/console.html", workshop=workshop, viewer=viewer,
                           config=page_config(workshop, "console", facilitators=facilitators,
                                              synergy_map_url=_map_url(workshop)))


@bp.get("/<int:workshop_id>/projector")
def projector(workshop_id: int):
    workshop, viewer = staff_workshop(workshop_id)
    i18n.screen_language(workshop.language)
    return render_template("projector.html", workshop=workshop,
                           config=page_config(workshop, "projector",
                                              synergy_map_url=_map_url(workshop)))


@bp.get("/<int:workshop_id>/groups/<int:group_id>/screen")
def group_screen(workshop_id: int, group_id: int):
    """One working group's board alone, large: the projector page for a group that works
    in another room (what it shows follows the room's stage, like the projector)."""
    workshop, viewer = staff_workshop(workshop_id)
    group = db.session.get(WorkingGroup, group_id)
    if group is None or group.workshop_id != workshop.id:
        abort(404)
    i18n.screen_language(workshop.language)
    return render_template("projector.html", workshop=workshop,
                           config=page_config(workshop, "projector", group_screen=group.id,
                                              synergy_map_url=_map_url(workshop)))


@bp.get("/<int:workshop_id>/join-sheet")
def join_sheet(workshop_id: int):
    workshop, _viewer = staff_workshop(workshop_id)
    i18n.screen_language(workshop.language)
    url = joining.join_url(workshop.join_code)
    return render_template("console/join_sheet.html", workshop=workshop, join_url=url)


@bp.get("/<int:workshop_id>/qr.svg")
def qr_code(workshop_id: int):
    """The join QR code; the projector reloads it when the code is replaced."""
    workshop, _viewer = staff_workshop(workshop_id)
    svg = joining.qr_svg(joining.join_url(workshop.join_code))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


def _map_url(workshop: Workshop) -> str:
    """The map in the language of the page that shows it (a projector's may differ from
    the console's in the same browser)."""
    return url_for("console.synergy_map", workshop_id=workshop.id,
                   language=str(get_locale()))


@bp.get("/<int:workshop_id>/synergies/map.svg")
def synergy_map(workshop_id: int):
    """The synergy map as the room has agreed it so far, drawn by the server for the
    console and the projector: a drawing, in the language the page showing it asks for
    (?language=, as for the plan's documents; else the workshop's) and its direction."""
    workshop, _viewer = staff_workshop(workshop_id)
    language = request.args.get("language")
    if language not in workshops.LANGUAGES:
        language = workshop.language
    with force_locale(language):
        svg = drawings.synergy_map_svg(drawings.map_data(workshop.id),
                                       rtl=i18n.text_direction(language) == "rtl")
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
