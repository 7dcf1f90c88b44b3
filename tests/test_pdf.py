"""The PDF path and the app's own fonts, proven before the action plan is built; and the
server process never loading WeasyPrint (it renders in another process)."""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

from flask import render_template
from pypdf import PdfReader

from facilitator.plan.pdf import html_to_pdf

FRENCH = "Améliorer le cadre d'attraction de la diaspora économique"
ARABIC = "تحسين الإطار الذي يجذب المغتربين"
ROOT = Path(__file__).resolve().parent.parent


def test_pdf_with_french_and_arabic_uses_the_apps_fonts(app):
    with app.test_request_context():
        pdf = html_to_pdf(render_template("pdf/font_check.html", pdf_locale="fr",
                                          title="Plan d'action", french=FRENCH,
                                          arabic=ARABIC))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Plan d'action" in text and "diaspora économique" in text
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert {"Noto-Sans", "Noto-Sans-Arabic"} <= fonts, fonts
    # Arabic was shaped into the Arabic font, not left as boxes: its glyphs are embedded
    # and map back to the Arabic words.
    assert "الإطار" in text or "المغتربين" in text


SERVER_PROCESS = textwrap.dedent("""
    import sys

    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.sample import create_sample

    app = create_app("test")
    with app.app_context():
        upgrade()
        workshop = create_sample("weasy@example.org", "owner-password", until="closing")
        client = app.test_client()
        assert client.post("/login", data={"email": "weasy@example.org",
                                           "password": "owner-password"}).status_code == 302
        base = f"/workshops/{workshop.id}"
        for page in ("/plan.html", "/plan.html?language=ar", "/plan", "/actions.csv",
                     "/plan/status.json"):
            assert client.get(base + page).status_code == 200, page
        print("loaded" if "weasyprint" in sys.modules else "not loaded")
""")


def test_the_server_process_never_loads_weasyprint():
    """The preview, the downloads page and the CSV are made in the server; WeasyPrint
    (seconds of CPU that never yield to eventlet) only in the render process. In a
    process of its own, so that other tests' imports do not count."""
    done = subprocess.run([sys.executable, "-c", SERVER_PROCESS], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "not loaded"
