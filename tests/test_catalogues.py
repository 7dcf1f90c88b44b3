"""The French and Arabic catalogues are whole: every message the code and the templates
hold (extracted as `make translations` does) is translated, in each of the language's
plural forms, with the same placeholders; and French keeps its typography (a no-break
space before : ; ! ?). A message left out shows in English in the middle of a French or
Arabic page."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.support import ROOT

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# a mark after a plain space, or right after a word, where French wants a no-break space;
# not in URLs (://), times (10:30) or where the mark is the text's first character
LOOSE_MARK = re.compile(r"(?:(?<= )|(?<=[\w»”)]))(?<!\d)[:;!?](?!//)")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages as the code has them now (babel.cfg, the Makefile's keywords)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "_np:1,2",
                    "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as file:
        messages = [m for m in read_po(file) if m.id]
    assert len(messages) > 500  # the code's and the templates' messages, not an empty run
    return messages


def catalogue(language: str):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=language)


@pytest.mark.parametrize("language, forms", [("fr", 3), ("ar", 6)])
def test_every_message_is_translated_in_all_its_plural_forms(extracted, language, forms):
    translations = catalogue(language)
    problems = []
    for message in extracted:
        found = translations.get(message.id, message.context)
        strings = found and (found.string if isinstance(found.string, tuple) else (found.string,))
        if not strings or not all(strings) or found.fuzzy:
            problems.append(f"untranslated: {message.id!r}")
            continue
        if message.pluralizable and len(strings) != forms:
            problems.append(f"{len(strings)} plural forms, not {forms}: {message.id!r}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"num"}  # a form may say the number
        for string in strings:
            if not wanted <= set(PLACEHOLDER.findall(string)):
                problems.append(f"placeholders {sorted(wanted)} lost: {string!r}")
    assert not problems, "\n".join(problems[:40])


def test_french_has_a_no_break_space_before_its_high_punctuation():
    problems = []
    for message in catalogue("fr"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        problems += [s for s in strings if s and LOOSE_MARK.search(s)]
    assert not problems, "\n".join(problems[:40])
