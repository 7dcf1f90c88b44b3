"""Text matching shared by steps 2, 3 and 4: spellings, acronyms, similar texts."""
from __future__ import annotations

import pytest

from facilitator.steps import matching


def test_normalising_meets_arabic_and_french_spellings():
    assert matching.normalise("إنشاء منصّة") == matching.normalise("انشاء منصه")
    assert matching.normalise("مستشفى") == matching.normalise("مستشفي")
    assert matching.normalise("تـطـويـر") == "تطوير"
    assert matching.normalise("Réseau ÉCONOMIQUE") == "reseau economique"
    assert set(matching.tokens("Les investisseurs de la diaspora")) == {"investisseur",
                                                                         "diaspora"}


@pytest.mark.parametrize("a, b", [
    ("IDAL", "Investment Development Authority of Lebanon"),
    ("MoFA", "Ministry of Foreign Affairs"),
    ("Banque du Liban", "BDL"),
    ("CCIA-BML", "Chamber of Commerce, Industry and Agriculture of Beirut and Mount "
                 "Lebanon (CCIA-BML)"),
    ("Ministère des Affaires étrangères", "ministere des affaires etrangeres"),
    ("هيئة الاستثمار", "هيئه الاستثمار"),
    ("Jordan Investment Commission", "JIC"),
])
def test_one_organisation_written_two_ways_is_recognised(a, b):
    assert matching.same_name(a, b) in ("same name", "acronym")
    assert matching.same_name(b, a) in ("same name", "acronym")


@pytest.mark.parametrize("a, b", [
    ("Zoomal", "LFE"),
    ("Ministry of Economy", "Ministry of Finance"),
    ("Chamber of Commerce", "Chamber of Industry"),
    ("", "IDAL"),
])
def test_different_organisations_are_not_confused(a, b):
    assert matching.same_name(a, b) is None


def test_similar_texts_are_grouped_with_their_shared_words():
    groups = matching.similarity_groups({
        1: "A one-stop desk for diaspora investors",
        2: "One-stop investor desk for the diaspora",
        3: "Television campaign on returning entrepreneurs",
    }, 0.3)
    assert [g["idea_ids"] for g in groups] == [[1, 2]]
    assert "diaspora" in [k.lower() for k in groups[0]["keywords"]]
