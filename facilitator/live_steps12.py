"""The live operations of Steps 1 and 2, in the shape of live.OPERATIONS, to merge there:
name -> (capability function, payload fields passed to it, who may send it).

Importing this module also registers the "ideas" and "priorities" snapshot parts.
"""
from __future__ import annotations

from typing import Callable

from . import ideas, priorities

STEP12_OPERATIONS: dict[str, tuple[Callable[..., dict], tuple[str, ...], str]] = {
    # Step 1: cards
    "idea.post": (ideas.post_idea, ("text", "kind", "origin"), "participant"),
    # the author while input is open, or a facilitator: the capability decides
    "idea.edit": (ideas.edit_idea, ("idea_id", "text", "kind", "origin"), "any"),
    "idea.withdraw": (ideas.withdraw_idea, ("idea_id",), "any"),
    "idea.hide": (ideas.hide_idea, ("idea_id",), "facilitator"),
    "idea.restore": (ideas.restore_idea, ("idea_id",), "facilitator"),
    "idea.merge": (ideas.merge_ideas, ("into_id", "idea_ids"), "facilitator"),
    "ideas.settings": (ideas.set_idea_settings, ("anonymous", "input_locked"), "facilitator"),
    "timer.start": (ideas.start_timer, ("seconds",), "facilitator"),
    "timer.stop": (ideas.stop_timer, (), "facilitator"),
    # Step 2: themes, dots, priorities
    "theme.create": (priorities.create_theme, ("title", "description"), "facilitator"),
    "theme.rename": (priorities.rename_theme, ("theme_id", "title", "description"),
                     "facilitator"),
    "theme.merge": (priorities.merge_themes, ("into_id", "theme_ids"), "facilitator"),
    "idea.assign": (priorities.assign_idea, ("idea_id", "theme_id"), "facilitator"),
    "voting.update": (priorities.set_voting, ("open", "revealed", "allow_multiple"),
                      "facilitator"),
    "dot.place": (priorities.place_dot, ("theme_id",), "participant"),
    "dot.remove": (priorities.remove_dot, ("theme_id",), "participant"),
    "priorities.confirm": (priorities.confirm_priorities,
                           ("theme_ids", "titles", "descriptions"), "facilitator"),
}

# Read-only requests: nothing to apply once, so no op_id and no perform(); a handler
# calls the function with the viewer and acks {"ok": True, **result}, or the error's ack.
STEP12_QUERIES: dict[str, tuple[Callable[..., dict], tuple[str, ...], str]] = {
    "themes.suggest": (priorities.suggest_themes, (), "facilitator"),
}
