"""Dates read in the reader's language, and a new workshop starts in the interface's."""
from __future__ import annotations

import re
from datetime import date

import pytest

from facilitator import accounts, operations, workshops


@pytest.fixture
def signed_in(app, client):
    owner = operations.run(accounts.create_facilitator, "owner@example.org", "Owner",
                           "owner-password")
    operations.run(workshops.create_workshop, owner,
                   {"title": "Beirut", "language": "en", "date": date(2015, 10, 20)})
    client.post("/login", data={"email": "owner@example.org", "password": "owner-password"})
    return client


@pytest.mark.parametrize("lang, shown", [("en", "October 20, 2015"), ("fr", "20 octobre 2015"),
                                         ("ar", "20 أكتوبر 2015")])
def test_a_workshop_date_reads_in_the_readers_language(signed_in, lang, shown):
    page = signed_in.get(f"/workshops/?lang={lang}").get_data(as_text=True)
    assert f'<time datetime="2015-10-20">{shown}</time>' in page


def selected_language(page: str) -> str:
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    return re.search(r'<option selected value="(\w+)"', select).group(1)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_a_new_workshop_starts_in_the_interfaces_language(signed_in, lang):
    page = signed_in.get(f"/workshops/new?lang={lang}").get_data(as_text=True)
    assert selected_language(page) == lang


def test_the_browsers_language_is_the_interfaces_too(signed_in):
    signed_in.delete_cookie("lang")
    page = signed_in.get("/workshops/new", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert selected_language(page.get_data(as_text=True)) == "fr"
    # what the person chose wins over the default
    made = signed_in.post("/workshops/new", data={"title": "Tunis", "timezone": "UTC",
                                                  "language": "ar", "priority_count": 3,
                                                  "dots_per_participant": 3},
                          headers={"Accept-Language": "fr"})
    assert made.status_code == 302
    from facilitator.extensions import db
    from facilitator.models import Workshop
    assert db.session.query(Workshop).filter_by(title="Tunis").one().language == "ar"
