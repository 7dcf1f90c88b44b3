"""What a live page hands its script: the workshop, the view, and the method's stages in
the page's language (so events can carry keys, not words)."""
from __future__ import annotations

from flask import current_app

from .. import method
from ..models import Workshop


def page_config(workshop: Workshop, view: str, **extra) -> dict:
    return {
        **extra,
        "workshop": workshop.id,
        "view": view,
        "max_message_bytes": current_app.config["SOCKETIO_MAX_MESSAGE_BYTES"],
        "stages": [method.describe(stage.key) for stage in method.STAGES],
        "steps": [{"number": s.shown, "key": s.key, "title": str(s.title)}
                  for s in method.STEPS],
    }
