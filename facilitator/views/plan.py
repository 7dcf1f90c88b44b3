"""The action plan's pages: the downloads page, the PDF, the HTML preview, the CSV of all
actions, and sharing the plan with the participants.

Facilitators and organisers (the workshop's staff) get everything, drafts included;
participants get the public edition's PDF only once a facilitator shares it (from their
phone page); anyone else gets 403. The PDF is rendered in another process and kept in
the database (facilitator/plan/render.py), so any server process serves it: a page
asking for one that is not ready yet starts it and reloads itself (a meta refresh: no
script) until it is.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from babel.dates import format_datetime
from flask import (Blueprint, Response, abort, flash, jsonify, redirect, render_template,
                   request, send_file, url_for)
from flask_babel import force_locale, get_locale, gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from .. import workshops
from ..errors import OperationError
from ..extensions import db
from ..live import operations
from ..models import Workshop
from ..people import participants
from ..plan import content as plan, pdf as report, render as plan_render
from ..viewers import Viewer
from .console import staff_workshop

bp = Blueprint("plan", __name__, url_prefix="/workshops")
REFRESH_SECONDS = 3


# --- who is asking ----------------------------------------------------------------------

def _workshop(workshop_id: int) -> Workshop:
    return db.session.get(Workshop, workshop_id) or abort(404)


def _staff(workshop: Workshop) -> Viewer | None:
    if not current_user.is_authenticated:
        return None
    viewer = workshops.viewer_for(workshop, current_user)
    return viewer if viewer is not None and viewer.is_staff else None


def _participant(workshop: Workshop):
    return participants.identify(
        workshop.id, request.cookies.get(participants.cookie_name(workshop.id)))


class BadPlanRequest(Exception):
    """A language or an edition the plan does not have: answered 400 with the sentence
    (on the downloads page, for its forms)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@bp.errorhandler(BadPlanRequest)
def _bad_plan_request(error: BadPlanRequest):
    workshop_id = (request.view_args or {}).get("workshop_id")
    if request.method == "POST" and workshop_id is not None:
        flash(error.message, "error")
        return redirect(url_for("plan.downloads", workshop_id=workshop_id))
    if request.path.endswith(".json"):
        return jsonify(error=error.message), 400
    return render_template("message.html", message=error.message), 400


def _language(workshop: Workshop) -> str:
    """The language asked for (default: the workshop's); another one is refused."""
    language = request.args.get("language") or request.form.get("language")
    if not language:
        return workshop.language if workshop.language in plan.LANGUAGES else "en"
    if language not in plan.LANGUAGES:
        raise BadPlanRequest(_("The action plan is available in English, French and "
                               "Arabic only."))
    return language


def _edition() -> str:
    edition = request.args.get("edition") or request.form.get("edition") or "public"
    if edition not in plan.EDITIONS:
        raise BadPlanRequest(_("The action plan has two editions only: public and "
                               "internal."))
    return edition


def _when(workshop: Workshop, epoch: float | None) -> str:
    """A render's time, on the venue's clock, in the page's language."""
    if not epoch:
        return ""
    tz = plan.venue_zone(workshop.timezone)
    moment = datetime.fromtimestamp(epoch, tz=timezone.utc)
    return format_datetime(moment, "medium", tzinfo=tz, locale=str(get_locale()))


def _states(workshop: Workshop, language: str) -> dict[str, dict]:
    """Each edition's render state now, and the newest earlier version ready (public
    only: an earlier internal edition is deleted, never offered)."""
    states = {}
    for edition in plan.EDITIONS:
        key = plan_render.key_for(workshop, language, edition)
        if edition == "internal":
            plan_render.forget_older(key)
        state = plan_render.status(key)
        state["rendered"] = _when(workshop, state.get("rendered_at"))
        if state["state"] != "ready":
            earlier = plan_render.latest_ready(key)
            if earlier is not None:
                state["earlier"] = {"seq": earlier[0].seq,
                                    "rendered": _when(workshop, earlier[1])}
        states[edition] = state
    return states


def _slug(workshop: Workshop) -> str:
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in workshop.title.lower())
    return "-".join(part for part in slug.split("-") if part)[:60] or f"workshop-{workshop.id}"


def _download_name(workshop: Workshop, language: str, edition: str) -> str:
    draft = "-draft" if workshop.closed_at is None else ""
    return f"action-plan-{_slug(workshop)}-{language}-{edition}{draft}.pdf"


# --- the downloads page -----------------------------------------------------------------

@bp.get("/<int:workshop_id>/plan")
@login_required
def downloads(workshop_id: int):
    workshop, viewer = staff_workshop(workshop_id)
    language = _language(workshop)
    states = _states(workshop, language)
    busy = any(s["state"] in ("queued", "rendering") for s in states.values())
    return render_template("console/plan_downloads.html", workshop=workshop, viewer=viewer,
                           language=language, states=states, busy=busy,
                           refresh=REFRESH_SECONDS if busy else None,
                           languages=plan.LANGUAGES,
                           closed_at=_when(workshop, workshop.closed_at.replace(
                               tzinfo=timezone.utc).timestamp()) if workshop.closed_at else "")


@bp.get("/<int:workshop_id>/plan/status.json")
@login_required
def status(workshop_id: int):
    """The render state of both editions in one language, for scripts and pages; an
    edition named must be one of the two (both are said anyway)."""
    workshop, _viewer = staff_workshop(workshop_id)
    language = _language(workshop)
    if "edition" in request.args:
        _edition()
    return jsonify(workshop_id=workshop.id, last_seq=workshop.last_seq, language=language,
                   draft=workshop.closed_at is None, plan_shared=workshop.plan_shared,
                   editions=_states(workshop, language))


@bp.post("/<int:workshop_id>/plan/render")
@login_required
def render(workshop_id: int):
    """Prepare a PDF now (or again, after a failure)."""
    workshop, _viewer = staff_workshop(workshop_id)
    language, edition = _language(workshop), _edition()
    state = plan_render.ask_render(plan_render.key_for(workshop, language, edition),
                                   retry=True)
    if state["state"] == "busy":
        flash(_("The server is preparing other PDFs just now. Please try again in a "
                "moment."), "error")
    return redirect(url_for("plan.downloads", workshop_id=workshop.id, language=language))


@bp.post("/<int:workshop_id>/plan/share")
@login_required
def share(workshop_id: int):
    """A facilitator lets the participants download the public edition (or stops)."""
    workshop, viewer = staff_workshop(workshop_id)
    try:
        result = operations.submit(viewer, "plan.share", shared=request.form.get("shared") == "1")
    except OperationError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Participants can now download the public edition from their phone.")
              if result["plan_shared"] else
              _("Participants can no longer download the action plan."))
    return redirect(url_for("plan.downloads", workshop_id=workshop.id,
                            language=_language(workshop)))


# --- the documents ----------------------------------------------------------------------

@bp.get("/<int:workshop_id>/plan.pdf")
def pdf(workshop_id: int):
    """The PDF: ready -> the file; not yet -> a page that starts the render and reloads
    itself. Staff: either edition, drafts too, and "Try again" after a failure. A
    participant: the public edition, once shared: the latest one ready (the room as it
    is now is asked for, within the render bounds), never a retry. Anyone else: 403."""
    workshop = _workshop(workshop_id)
    edition = _edition()
    staff = _staff(workshop)
    if staff is None:
        person = _participant(workshop)
        if person is None or edition != "public" or not workshop.plan_shared:
            abort(403)
    language = _language(workshop)
    key = plan_render.key_for(workshop, language, edition)
    if edition == "internal":  # only the room as it is now: emails may have left since
        plan_render.forget_older(key)
    wanted = request.args.get("seq", type=int)
    if staff is not None and wanted is not None and wanted != key.seq:  # an earlier one
        earlier = plan_render.latest_ready(key)  # public only
        if earlier is None or earlier[0].seq != wanted:
            abort(404)
        return _send(plan_render.ready_pdf(earlier[0]), workshop, language, edition)
    state = plan_render.ask_render(key, retry=staff is not None
                                   and request.args.get("retry") == "1")
    content = plan_render.ready_pdf(key) if state["state"] == "ready" else None
    if content is None and staff is None:
        latest = plan_render.latest_ready(key)
        content = plan_render.ready_pdf(latest[0]) if latest else None
    if content is not None or state["state"] == "ready":  # (ready, then deleted: again)
        return _send(content, workshop, language, edition)
    return _waiting(workshop, state, staff is not None, edition, language)


def _send(content: bytes | None, workshop: Workshop, language: str, edition: str):
    if content is None:  # deleted by a newer render since the look
        return redirect(request.full_path)
    response = send_file(io.BytesIO(content), mimetype="application/pdf",
                         as_attachment=True,
                         download_name=_download_name(workshop, language, edition),
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _waiting(workshop: Workshop, state: dict, staff: bool, edition: str, language: str):
    """The page while the PDF is prepared (202, reloading itself), when every render
    place is taken (503, reloading: try again shortly) or after a failure (503; staff
    get "Try again")."""
    failed, busy = state["state"] == "failed", state["state"] == "busy"
    page = render_template(
        "plan_waiting.html", workshop=workshop, state=state, staff=staff, edition=edition,
        refresh=None if failed else REFRESH_SECONDS,
        retry_url=url_for("plan.pdf", workshop_id=workshop.id, edition=edition,
                          language=language, retry=1) if staff and failed else None)
    if busy:
        return page, 503, {"Retry-After": str(REFRESH_SECONDS)}
    return page, 503 if failed else 202


@bp.get("/<int:workshop_id>/plan.html")
@login_required
def preview(workshop_id: int):
    """The plan as a web page: the same template as the PDF, with screen styles."""
    workshop, _viewer = staff_workshop(workshop_id)
    language, edition = _language(workshop), _edition()
    data = plan.gather(workshop.id, language=language, edition=edition)
    with force_locale(language):
        links = [(_("Back to the downloads"),
                  url_for("plan.downloads", workshop_id=workshop.id, language=language)),
                 (_("Download the PDF"),
                  url_for("plan.pdf", workshop_id=workshop.id, language=language,
                          edition=edition))]
    return report.plan_html(data, screen=True, preview_links=links)


# A spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...)
# typed on a phone would become a live link); a leading ' makes it show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _shared(row: dict) -> bool:
    return row["kind"] == "shared"


# the CSV's columns: (header, the cell of an actions_table row), in order; the getters run
# in the plan's language, so the words they write are in it too
CSV_COLUMNS = (
    (_l("Kind"), lambda row: _("Shared action") if _shared(row) else _("Group action")),
    (_l("No."), lambda row: row["number"]),
    (_l("Priority"), lambda row: "; ".join(str(rank) for rank in row["priorities"])),
    (_l("Priority title"), lambda row: " | ".join(row["priority_titles"])),
    (_l("Working group"), lambda row: _("Plenary: the shared plan") if _shared(row)
     else _("Working group %(number)s", number=row["group"])),
    (_l("Action"), lambda row: row["title"]),
    (_l("Description"), lambda row: row.get("description", "")),
    (_l("Objectives served"), lambda row: "; ".join(row["objective_texts"])),
    (_l("Lead"), lambda row: row["lead"]),
    (_l("Partners"), lambda row: "; ".join(row["partners"])),
    (_l("Deadline"), lambda row: row["deadline_iso"]),
    (_l("Expected result"), lambda row: row["expected_result"]),
    (_l("Resources needed"), lambda row: row["resources"]),
    (_l("Brings together"),
     lambda row: "; ".join(f"{a['number']} {a['title']}" for a in row["absorbs"])),
    (_l("Part of shared action"), lambda row: "; ".join(row["shared_in"])),
)


@bp.get("/<int:workshop_id>/actions.csv")
@login_required
def actions_csv(workshop_id: int):
    """Every action, group and shared, one row each with its priority and group: UTF-8
    with a byte-order mark, so a spreadsheet opens accents and Arabic right; what
    people typed never runs as a formula (csv_cell)."""
    workshop, _viewer = staff_workshop(workshop_id)
    language = _language(workshop)
    data = plan.gather(workshop.id, language=language, edition="public")
    out = io.StringIO()
    writer = csv.writer(out)
    with force_locale(language):
        writer.writerow([str(header) for header, _cell in CSV_COLUMNS])
        for row in plan.actions_table(data):
            writer.writerow(csv_cell(cell(row)) for _header, cell in CSV_COLUMNS)
    name = f"actions-{_slug(workshop)}-{language}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})
