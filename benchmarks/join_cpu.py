"""Server CPU per phone joining through the form, in-process (no sockets): the join
page, the form sent, the phone's page; on a file SQLite database made by the migrations.

    .venv/bin/python benchmarks/join_cpu.py --phones 200 --rounds 3

Each round joins N new phones with a test client each, and reports the process's CPU
time per phone. With --compare-uncached, rounds alternate with the scripts' message
catalogue made again for every page (as before it was made once per language), so both
are measured side by side under the same load.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from facilitator.people import accounts  # noqa: E402
from facilitator import create_app, i18n, workshops  # noqa: E402
from facilitator.live import operations  # noqa: E402

import harness  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare-uncached", action="store_true")
    args = parser.parse_args()
    print(f"machine: {harness.machine_line()}")
    print(f"code: {harness.git_head()}")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/join.sqlite")
        with app.app_context():
            upgrade()
            owner = operations.run(accounts.create_facilitator, "bench@example.org",
                                   "Bench", "bench-password")
            workshop = operations.run(workshops.create_workshop, owner,
                                      {"title": "Join benchmark", "language": "en"})
            code, profile = workshop.join_code, workshop.profiles[0]
            counter = iter(range(10**9))

            def join_one() -> None:
                n = next(counter)
                phone = app.test_client()
                page = phone.get(f"/j/{code}").get_data(as_text=True)
                nonce = re.search(r'name="nonce"[^>]*value="([^"]+)"', page).group(1)
                sent = phone.post(f"/j/{code}", data={
                    "nonce": nonce, "name": f"Person {n}", "organisation": "Ministry",
                    "profile": profile, "consent": "y"})
                assert sent.status_code == 302, sent.status_code
                assert phone.get(sent.headers["Location"]).status_code == 200

            for _ in range(20):  # warm-up
                join_one()
            kinds = ["cached", "uncached"] if args.compare_uncached else ["cached"]
            results: dict[str, list[float]] = {kind: [] for kind in kinds}
            real = i18n.js_messages
            for _round in range(args.rounds):
                for kind in kinds:
                    if kind == "uncached":
                        def fresh():
                            i18n._JS_MESSAGES.clear()
                            return real()
                        app.jinja_env.globals["js_messages"] = fresh
                        i18n.js_messages = fresh
                    start = time.process_time()
                    for _ in range(args.phones):
                        join_one()
                    results[kind].append((time.process_time() - start) / args.phones * 1000)
                    i18n.js_messages = real
            for kind, values in results.items():
                print(f"{kind}: {statistics.median(values):.1f} ms CPU a phone (rounds: "
                      + ", ".join(f"{v:.1f}" for v in values) + ")")


if __name__ == "__main__":
    main()
