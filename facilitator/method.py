"""The method, as data: four steps, their stages, and the closing.

A reader sees here, in one place, where a workshop can be. The facilitator moves the room
from stage to stage (workshops.change_stage is the one transition function); what each
capability allows in a stage is asked of this module, never decided by a handler.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Step:
    number: int  # the order; what a person sees is `shown`
    key: str
    title: object  # a lazy translated string
    numbered: bool = True  # the closing follows the four steps without a number

    @property
    def shown(self) -> int | None:
        """The number a person sees (1 to 4), or None (the welcome, the closing)."""
        return self.number if self.numbered and self.number else None


@dataclass(frozen=True)
class Stage:
    key: str
    step: int
    title: object
    hint: object = ""  # what a participant does now, shown on the phone
    synthesis: bool = False  # a plenary: groups present side by side


STEPS = (
    Step(0, "welcome", _l("Welcome")),
    Step(1, "ideas", _l("Share ideas")),
    Step(2, "priorities", _l("Define priorities")),
    Step(3, "groups", _l("Working groups")),
    Step(4, "synergies", _l("Synergies and action plan")),
    Step(5, "closing", _l("Closing"), numbered=False),
)

STAGES = (
    Stage("welcome", 0, _l("Welcome: join the workshop"),
          _l("You are in. The workshop starts soon: watch the screen.")),
    Stage("ideas", 1, _l("Share ideas and experiences"),
          _l("Share ideas, experiences and good practices from your phone.")),
    Stage("themes", 2, _l("Group the ideas into themes"),
          _l("The facilitator groups the ideas into themes. Watch the screen.")),
    Stage("vote", 2, _l("Vote with dots"),
          _l("Put your dots on the themes that matter most.")),
    Stage("confirm", 2, _l("Confirm the priorities"),
          _l("The room confirms its priorities.")),
    Stage("objectives", 3, _l("Objectives"),
          _l("With your group, list the objectives for your priority.")),
    Stage("objectives_synthesis", 3, _l("Synthesis: objectives"),
          _l("Each group presents its objectives."), synthesis=True),
    Stage("actors", 3, _l("Actors"),
          _l("With your group, list who should act.")),
    Stage("actors_synthesis", 3, _l("Synthesis: actors"),
          _l("Each group presents its actors."), synthesis=True),
    Stage("actions", 3, _l("Actions"),
          _l("With your group, list the actions, who leads them and by when.")),
    Stage("actions_synthesis", 3, _l("Synthesis: actions"),
          _l("Each group presents its actions."), synthesis=True),
    Stage("synergies", 4, _l("Find the synergies"),
          _l("Look for what the groups share.")),
    Stage("shared_plan", 4, _l("Agree the shared action plan"),
          _l("The room agrees its shared action plan.")),
    Stage("closing", 5, _l("Closing: success factors and next steps"),
          _l("Success factors, immediate measures and the steering committee.")),
)

FIRST_STAGE = STAGES[0].key
STAGE_KEYS = tuple(stage.key for stage in STAGES)
_BY_KEY = {stage.key: stage for stage in STAGES}
_STEP_BY_NUMBER = {step.number: step for step in STEPS}

# Which stages let a participant do what. Capabilities ask `allows(stage, activity)`.
ACTIVITIES = {
    "post_idea": {"ideas"},
    "vote": {"vote"},
    # Step 3: members write on their group's board during its sub-step; actors may still
    # be added while listing the actions (a lead that was forgotten)
    "objectives": {"objectives"},
    "actors": {"actors", "actions"},
    "actions": {"actions"},
    # Step 4 and the closing: phones propose synergies, propose and endorse success
    # factors, sign up for the open steering committee
    "synergy_proposals": {"synergies", "shared_plan"},
    "success_factors": {"shared_plan", "closing"},
    "committee": {"closing"},
}


def stage(key: str) -> Stage:
    return _BY_KEY[key]


def step_of(key: str) -> Step:
    return _STEP_BY_NUMBER[_BY_KEY[key].step]


def index_of(key: str) -> int:
    return STAGE_KEYS.index(key)


def next_stage(key: str) -> str | None:
    i = index_of(key)
    return STAGE_KEYS[i + 1] if i + 1 < len(STAGE_KEYS) else None


def previous_stage(key: str) -> str | None:
    i = index_of(key)
    return STAGE_KEYS[i - 1] if i > 0 else None


def is_stage(key: object) -> bool:
    return isinstance(key, str) and key in _BY_KEY


# What capabilities do when the room enters or leaves a stage, registered where each
# capability lives (`@method.on_leave("ideas")`); workshops.change_stage runs them inside
# the transition's transaction: leave hooks first, then enter hooks.
Hook = Callable[..., None]  # hook(workshop, viewer)
_HOOKS: dict[tuple[str, str], list[Hook]] = defaultdict(list)


def on_enter(*stage_keys: str):
    return _register("enter", stage_keys or STAGE_KEYS)


def on_leave(*stage_keys: str):
    """Register a hook for leaving these stages (all stages when none are named)."""
    return _register("leave", stage_keys or STAGE_KEYS)


def _register(moment: str, stage_keys: tuple[str, ...]):
    def register(hook: Hook) -> Hook:
        for key in stage_keys:
            assert key in _BY_KEY, key
            _HOOKS[(moment, key)].append(hook)
        return hook
    return register


def transition_hooks(leaving: str, entering: str) -> list[Hook]:
    return [*_HOOKS[("leave", leaving)], *_HOOKS[("enter", entering)]]


def allows(stage_key: str, activity: str) -> bool:
    return stage_key in ACTIVITIES.get(activity, ())


def describe(key: str) -> dict:
    """What clients are told of a stage: enough to show it without knowing the method."""
    current = _BY_KEY[key]
    step = step_of(key)
    return {
        "key": key,
        "title": str(current.title),
        "step": step.number,
        "step_number": step.shown,  # what a person reads: none for the closing
        "step_key": step.key,
        "step_title": str(step.title),
        "hint": str(current.hint),
        "synthesis": current.synthesis,
        "index": index_of(key),
        "count": len(STAGES),
        "next": next_stage(key),
        "previous": previous_stage(key),
    }
