"""What checking an operation's payload against a typed schema costs, by library.

    .venv/bin/python benchmarks/schema_cost.py [--n 100000] [--repeat 3]

The payload of `idea.post` as a phone sends it (op_id, text, kind, origin), and a wrong
one (its text a list: refused), checked N times in this process with:

- msgspec: `msgspec.convert(payload, IdeaPost, strict=True)` on a `msgspec.Struct`;
- pydantic v2: a strict `BaseModel` (`model_validate`) and a `TypeAdapter` of a strict
  TypedDict (a strict dataclass takes only its own instances), extra fields ignored.

Both libraries must be installed for the measurement (`pip install msgspec pydantic`);
the app keeps only the one chosen (docs/architecture.md). The figure is the best of the
repeats, in µs a call, to compare with the app's CPU a card (docs/performance.md).
Pure CPU in one process: no server, no database, no sockets.
"""
from __future__ import annotations

import argparse
import os
import time
from importlib.metadata import version
from typing_extensions import TypedDict

import msgspec
import pydantic

GOOD = {"op_id": "a1b2c3d4-0001", "text": "A one-stop shop for diaspora investors",
        "kind": "practice", "origin": "Ireland"}
WRONG = {**GOOD, "text": ["a", "list"]}


class MsgspecIdeaPost(msgspec.Struct):
    text: str | None = None
    kind: str | None = None
    origin: str | None = None


class PydanticIdeaPost(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(strict=True, extra="ignore")
    text: str | None = None
    kind: str | None = None
    origin: str | None = None


class IdeaPostDict(TypedDict, total=False):
    __pydantic_config__ = pydantic.ConfigDict(strict=True, extra="ignore")  # type: ignore
    text: str | None
    kind: str | None
    origin: str | None


ADAPTER = pydantic.TypeAdapter(IdeaPostDict)


def with_msgspec(payload: dict) -> bool:
    try:
        msgspec.convert(payload, MsgspecIdeaPost, strict=True)
    except msgspec.ValidationError:
        return False
    return True


def with_model(payload: dict) -> bool:
    try:
        PydanticIdeaPost.model_validate(payload)
    except pydantic.ValidationError:
        return False
    return True


def with_adapter(payload: dict) -> bool:
    try:
        ADAPTER.validate_python(payload)
    except pydantic.ValidationError:
        return False
    return True


def per_call(check, payload: dict, n: int, repeat: int) -> float:
    """The best of `repeat` runs of n calls, in µs a call (CPU time of this process)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(n):
            check(payload)
        best = min(best, time.process_time() - start)
    return best / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    checks = {f"msgspec {version('msgspec')} convert(strict=True)": with_msgspec,
              f"pydantic {version('pydantic')} BaseModel (strict)": with_model,
              f"pydantic {version('pydantic')} TypeAdapter (strict)": with_adapter}
    for check in checks.values():  # each must accept the good one and refuse the wrong one
        assert check(GOOD) and not check(WRONG), check
    print(f"idea.post payload, N={args.n:,}, best of {args.repeat}; "
          f"load {os.getloadavg()[0]:.2f}")
    print("| library | valid, µs a call | wrong (refused), µs a call |")
    print("| --- | --- | --- |")
    for name, check in checks.items():
        good = per_call(check, GOOD, args.n, args.repeat)
        wrong = per_call(check, WRONG, args.n, args.repeat)
        print(f"| {name} | {good:.2f} | {wrong:.2f} |")


if __name__ == "__main__":
    main()
