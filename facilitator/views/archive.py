"""A workshop as a JSON file and back (facilitator/archive.py): the download for its
facilitators and organisers, and the form that makes a copy from a file."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge

from .. import archive
from ..errors import OperationError
from ..extensions import off_the_event_loop
from ..forms import ImportForm
from .console import staff_workshop

bp = Blueprint("archive", __name__, url_prefix="/workshops")


@bp.url_value_preprocessor
def _import_size(endpoint: str | None, _values: dict | None) -> None:
    """The app reads at most MAX_CONTENT_LENGTH (1 MiB) of a request; an import may
    send archive.MAX_BYTES. Raised here, before the CSRF check reads the form."""
    if endpoint == "archive.import_json":
        request.max_content_length = archive.MAX_BYTES + 64 * 1024


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    flash(_("This file is too large to import (%(n)d MB at most).",
            n=archive.MAX_BYTES // (1024 * 1024)), "error")
    return redirect(url_for("console.workshops_list"))


@bp.get("/<int:workshop_id>/export.json")
def export_json(workshop_id: int):
    """The whole workshop, emails included: for its facilitators and organisers only
    (anyone else, signed in or not, gets 403)."""
    if not current_user.is_authenticated:
        abort(403)
    workshop, _viewer = staff_workshop(workshop_id)
    body = off_the_event_loop(archive.dumps, archive.export_workshop(workshop.id))
    plain_name, utf8_name = archive.filename(workshop)
    headers = Headers({"Cache-Control": "private, no-store"})
    headers.set("Content-Disposition", "attachment", filename=plain_name,
                **{"filename*": f"UTF-8''{utf8_name}"})
    return Response(body, mimetype="application/json", headers=headers)


@bp.post("/import")
@login_required
def import_json():
    """Make a copy of the workshop in the file, owned by whoever sends it."""
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Please choose a workshop file (.json) to import."), "error")
        return redirect(url_for("console.workshops_list"))
    raw = form.file.data.stream.read(archive.MAX_BYTES + 1)
    try:
        data, clean = off_the_event_loop(archive.read_and_check, raw)
    except OperationError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("console.workshops_list"))
    except Exception:  # noqa: BLE001 (a value the check did not foresee: not a 500)
        current_app.logger.exception("import: the check failed on this file")
        flash(str(archive.NOT_AN_EXPORT), "error")
        return redirect(url_for("console.workshops_list"))
    try:
        workshop = archive.write_copy(clean, current_user)
    except OperationError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("console.workshops_list"))
    counts = archive.summary(data)
    flash(_("Imported “%(title)s” with a new join code: %(participants)d participants, "
            "%(ideas)d contributions, %(groups)d working groups, %(actions)d actions.",
            title=workshop.title, participants=counts["participants"],
            ideas=counts["ideas"], groups=counts["working_groups"],
            actions=counts["actions"]))
    return redirect(url_for("console.console", workshop_id=workshop.id))
