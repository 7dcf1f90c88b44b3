"""PDF rendering: Jinja2 HTML turned into PDF by WeasyPrint, with the app's own fonts.

Fonts come from the pinned npm font packages (no system font is assumed), so the PDF
looks the same on any laptop and Arabic is shaped right to left by Pango/HarfBuzz.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .assets import font_path

FONT_URL_PREFIX = "/vendor/fonts/"


class AppURLFetcher(URLFetcher):
    """Resolves the app's font URLs to files on disk and fetches nothing remote."""

    def __init__(self):
        super().__init__(allowed_protocols=("file", "data"))

    def fetch(self, url, headers=None):
        if FONT_URL_PREFIX in url:
            found = font_path(url.rsplit("/", 1)[-1])
            if found is None:
                raise ValueError(f"font not installed (run the set-up): {url}")
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": "font/woff"})
        return super().fetch(url, headers)


def render_pdf(template: str, **context) -> bytes:
    """Render a template of templates/pdf/ to PDF bytes."""
    html = render_template(template, **context)
    fonts = FontConfiguration()
    base_url = Path(current_app.root_path).as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=AppURLFetcher())
    return document.write_pdf(font_config=fonts)
