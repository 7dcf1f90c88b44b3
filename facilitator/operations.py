"""One path for every live change, whether it arrives over Socket.IO or HTTP.

`perform` applies a capability function once per client-made op_id: the id is stored
under a UNIQUE constraint in the same transaction as the change, so a resend (after a
lost ack, a reconnect, a reload) gets the first ack again without being applied twice.
The ack is {ok: true, ...} or {ok: false, error: {code, message}}.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import eventlog
from .errors import OperationError
from .extensions import db
from .models import AppliedOperation
from .viewers import Viewer

OP_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


def applied(workshop_id: int, op_id: str) -> AppliedOperation | None:
    return db.session.scalar(select(AppliedOperation).where(
        AppliedOperation.workshop_id == workshop_id, AppliedOperation.op_id == op_id))


def perform(viewer: Viewer, name: str, op_id: Any, change: Callable[..., dict],
            *args, **kwargs) -> dict:
    """Apply `change(viewer, *args, **kwargs)` once for this op_id and return the ack.

    `change` validates, writes to the session and appends events; it returns the ack's
    payload or raises OperationError. Nothing is saved when it raises.
    """
    if not isinstance(op_id, str) or not OP_ID.match(op_id):
        return OperationError("bad_request", _l(
            "This change could not be sent properly. Please reload the page.")).to_ack()
    previous = applied(viewer.workshop_id, op_id)
    if previous is not None:
        return {**previous.result, "duplicate": True}
    try:
        result = {"ok": True, **(change(viewer, *args, **kwargs) or {})}
        db.session.add(AppliedOperation(workshop_id=viewer.workshop_id, op_id=op_id,
                                        name=name, actor=viewer.actor, result=result))
        eventlog.commit()
    except OperationError as error:
        eventlog.discard()
        return error.to_ack()
    except IntegrityError:
        # the same op_id committed by a concurrent resend: answer as that one did
        eventlog.discard()
        previous = applied(viewer.workshop_id, op_id)
        if previous is None:
            raise
        return {**previous.result, "duplicate": True}
    except Exception:
        eventlog.discard()
        raise
    return result
