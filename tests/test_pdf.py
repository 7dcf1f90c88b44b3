"""The PDF path and the app's own fonts, proven before the action plan is built."""
from __future__ import annotations

import io

from pypdf import PdfReader

from facilitator.report import render_pdf

FRENCH = "Améliorer le cadre d'attraction de la diaspora économique"
ARABIC = "تحسين الإطار الذي يجذب المغتربين"


def test_pdf_with_french_and_arabic_uses_the_apps_fonts(app):
    with app.test_request_context():
        pdf = render_pdf("pdf/font_check.html", pdf_locale="fr", title="Plan d'action",
                         french=FRENCH, arabic=ARABIC)
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
