"""Front-end files that come from the npm registry, served by the app itself.

`npm ci` puts them in node_modules/ at set-up time (pinned in package-lock.json); this
blueprint serves the few files the pages use, under /vendor/, so a venue laptop with no
internet works and no third-party code is committed.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

bp = Blueprint("assets", __name__, url_prefix="/vendor")

# name under /vendor/ -> path inside node_modules/
VENDOR_FILES = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "idiomorph.esm.js": "idiomorph/dist/idiomorph.esm.js",
}
FONT_PACKAGES = ("@fontsource/noto-sans/files", "@fontsource/noto-sans-arabic/files")


def node_modules() -> Path:
    return Path(current_app.config["NODE_MODULES"])


def font_path(filename: str) -> Path | None:
    """The font file of that name from the pinned font packages, if present."""
    for package in FONT_PACKAGES:
        path = node_modules() / package / filename
        if path.is_file():
            return path
    return None


@bp.get("/<name>")
def vendor_file(name: str):
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    path = node_modules() / relative
    return send_from_directory(path.parent, path.name, max_age=86400)


@bp.get("/fonts/<filename>")
def font(filename: str):
    if not filename.endswith((".woff2", ".woff")):
        abort(404)
    path = font_path(filename)
    if path is None:
        abort(404)
    return send_from_directory(path.parent, path.name, max_age=30 * 86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
