"""Front-end files: the app's own (static/) and those from the npm registry, with a
version in their URL so browsers keep them.

`npm ci` puts the registry's files in node_modules/ at set-up time (pinned in
package-lock.json); this blueprint serves the few files the pages use, under /vendor/,
so a venue laptop with no internet works and no third-party code is committed.

Pages link to /v/<version>/static/… and /v/<version>/vendor/… (url_for adds the
version): the version is a digest of static/ and package-lock.json, so a URL's content
never changes and phones keep it for a year without asking again. Files refer to each
other by relative URLs (app.css to ../../vendor/fonts/…, a module to ./live.js), which
stay inside the same version. The unversioned /static/… and /vendor/… URLs still work,
revalidated on each use (the PDF renderer reads the fonts there).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory
from werkzeug.routing import Rule

from config import BASE_DIR

bp = Blueprint("assets", __name__)

# name under /vendor/ -> path inside node_modules/
VENDOR_FILES = {
    "socket.io.min.js": "socket.io-client/dist/socket.io.min.js",
    "idiomorph.esm.js": "idiomorph/dist/idiomorph.esm.js",
}
FONT_PACKAGES = ("@fontsource/noto-sans/files", "@fontsource/noto-sans-arabic/files")
VERSIONED_MAX_AGE = 365 * 24 * 3600
VERSIONED_ENDPOINTS = {"static", "assets.vendor_file", "assets.font"}


def node_modules() -> Path:
    return Path(current_app.config["NODE_MODULES"])


def asset_version(static_folder: str | Path, lock_file: Path = BASE_DIR / "package-lock.json") -> str:
    """A short digest of every file under static/ and of the npm lock file."""
    digest = hashlib.sha256()
    root = Path(static_folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    if lock_file.is_file():
        digest.update(lock_file.read_bytes())
    return digest.hexdigest()[:12]


def _cache(response, version: str | None):
    """A year, immutable, when the URL names the current version; else revalidate."""
    if version is not None and version == current_app.config["ASSET_VERSION"]:
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = VERSIONED_MAX_AGE
        response.cache_control.immutable = True
    elif version is not None:  # a page from before an update: right content, not kept
        response.cache_control.max_age = None
        response.cache_control.no_cache = True
    return response


def static_file(filename: str, version: str | None = None):
    app = current_app
    response = send_from_directory(app.static_folder, filename,
                                   max_age=app.get_send_file_max_age(filename))
    return _cache(response, version)


def font_path(filename: str) -> Path | None:
    """The font file of that name from the pinned font packages, if present."""
    for package in FONT_PACKAGES:
        path = node_modules() / package / filename
        if path.is_file():
            return path
    return None


@bp.get("/vendor/<name>")
@bp.get("/v/<version>/vendor/<name>")
def vendor_file(name: str, version: str | None = None):
    relative = VENDOR_FILES.get(name)
    if relative is None:
        abort(404)
    path = node_modules() / relative
    return _cache(send_from_directory(path.parent, path.name, max_age=86400), version)


@bp.get("/vendor/fonts/<filename>")
@bp.get("/v/<version>/vendor/fonts/<filename>")
def font(filename: str, version: str | None = None):
    if not filename.endswith((".woff2", ".woff")):
        abort(404)
    path = font_path(filename)
    if path is None:
        abort(404)
    return _cache(send_from_directory(path.parent, path.name, max_age=30 * 86400), version)


def init_app(app: Flask) -> None:
    app.config.setdefault("ASSET_VERSION", asset_version(app.static_folder))
    # Flask's own /static/<filename> rule stays; the versioned rule shares its endpoint,
    # and url_for picks it whenever a version is given (always, by url_defaults below)
    app.url_map.add(Rule(f"/v/<version>{app.static_url_path}/<path:filename>",
                         endpoint="static"))
    app.view_functions["static"] = static_file
    app.register_blueprint(bp)

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint in VERSIONED_ENDPOINTS:
            values.setdefault("version", app.config["ASSET_VERSION"])
