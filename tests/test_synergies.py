"""Synergy suggestions on hand-made boards: what matches, what does not, and why."""
from __future__ import annotations

from types import SimpleNamespace as Row

import pytest

from facilitator.steps import synergies

GROUP = {10: 1, 20: 2, 30: 3}


def actor(id_, group, name):
    return Row(id=id_, group_id=group, name=name)


def action(id_, group, title, result="", resources=""):
    return Row(id=id_, group_id=group, title=title, expected_result=result,
               resources=resources)


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def test_one_organisation_named_by_two_groups_is_a_synergy_with_its_evidence():
    found = synergies.shared_actors([
        actor(1, 10, "IDAL"),
        actor(2, 30, "Investment Development Authority of Lebanon"),
        actor(3, 20, "Zoomal"),
        actor(4, 30, "Chambre de Commerce de Beyrouth"),
        actor(5, 20, "chambre de commerce de beyrouth"),
    ], GROUP)
    assert [(s["group_ids"], s["evidence"]["names"]) for s in found] == [
        ([10, 30], ["IDAL", "Investment Development Authority of Lebanon"]),
        ([20, 30], ["Chambre de Commerce de Beyrouth", "chambre de commerce de beyrouth"]),
    ]
    assert found[0]["because"].startswith("“IDAL” is named by groups 1 and 3.")


def test_an_actor_named_by_one_group_only_is_no_synergy():
    assert synergies.shared_actors([actor(1, 10, "IDAL"), actor(2, 10, "IDAL")], GROUP) == []


def test_actions_saying_nearly_the_same_thing_in_two_groups_are_suggested():
    found = synergies.similar_texts("action", [
        action(1, 10, "Launch a coordination platform for diaspora investors"),
        action(2, 20, "Coordination platform for the diaspora's investors"),
        action(3, 30, "Television campaign on returning entrepreneurs"),
    ], lambda a: a.title, GROUP)
    assert [[e["id"] for e in s["entries"]] for s in found] == [[1, 2]]
    assert found[0]["evidence"]["score"] >= synergies.TEXT_SIMILARITY
    assert "key words" in found[0]["because"]


def test_across_scripts_only_shared_names_can_match():
    found = synergies.similar_texts("action", [
        action(1, 10, "إطلاق منصة تنسيق للمستثمرين"),
        action(2, 20, "Launch a coordination platform for investors"),
    ], lambda a: a.title, GROUP)
    assert found == []


def test_actions_needing_the_same_resource_are_suggested():
    found = synergies.shared_resources([
        action(1, 10, "Desk", resources="Two developers and a web server"),
        action(2, 20, "Network", resources="Developers for a web platform and a server"),
        action(3, 30, "Survey", resources="A survey budget"),
    ], GROUP)
    assert [[e["id"] for e in s["entries"]] for s in found] == [[1, 2]]


