"""HTTP blueprints: one module per view (home, console, projector, phone, auth, exports)."""
from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """The blueprints added after the first four (create_app registers those)."""
    from . import archive, plan

    app.register_blueprint(archive.bp)
    app.register_blueprint(plan.bp)
