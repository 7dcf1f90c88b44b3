"""Where a card's server time goes, without sockets: the app in this process (a file
SQLite database built by the migrations, the sample seminar at the ideas stage), K cards
posted through `operations.perform` as the Socket.IO handler does it (one phone after
the other, a fresh session each, as one request), with every SQL statement counted and
cProfile running. No network at all; the broadcast goes to rooms with nobody in them.

    .venv/bin/python benchmarks/card_profile.py --cards 200 --top 25

Complements benchmarks/card_cpu.py (which measures the real server's CPU with sockets):
this one says which statements and which functions a card costs.
"""
from __future__ import annotations

import argparse
import cProfile
import collections
import io
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--phones", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    cards = min(args.cards, args.phones * 39 // 2 - 5, 2000)  # twice, 40 cards a phone

    tmp = tempfile.mkdtemp(prefix="bench-profile-")
    os.environ["FACILITATOR_INSTANCE"] = os.path.join(tmp, "instance")
    from flask_migrate import upgrade
    from sqlalchemy import event

    from facilitator import create_app
    from facilitator.live import operations
    from facilitator.people import participants
    from facilitator.extensions import db
    from facilitator.models import Workshop
    from facilitator.sample import join
    from facilitator.sample import create_sample

    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/profile.sqlite",
                     SERVER_NAME="127.0.0.1", PUBLIC_URL="http://127.0.0.1")
    statements: list[str] = []
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        workshop = create_sample("bench@example.org", "bench-password", until="ideas")
        workshop_id = workshop.id
        with app.test_request_context():
            people = [join(db.session.get(Workshop, workshop_id),
                           f"profile-nonce-{i:06d}-xxxx", f"Phone {i}", "Org",
                           workshop.profiles[0])[0]
                      for i in range(args.phones)]
        viewers = [participants.viewer_for(p) for p in people]
        db.session.commit()
        db.session.remove()

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, _params, _context, _many):
            statements.append(statement)

        def post(n: int) -> None:
            with app.test_request_context():
                ack = operations.perform(
                    viewers[n % len(viewers)], "idea.post", f"profile-card-{n:06d}",
                    text=f"Card {n}: a diaspora mentoring programme, matched by sector and "
                         f"country, with a yearly forum and online follow-up.",
                    kind="idea", origin="Benchmark")
                assert ack.get("ok"), ack
            db.session.remove()

        for n in range(5):  # warm-up
            post(n)
        # first without the profiler (its cost per call is large), then with it
        cpu0, t0 = time.process_time(), time.perf_counter()
        for n in range(5, 5 + cards):
            post(n)
        bare_cpu, bare_wall = time.process_time() - cpu0, time.perf_counter() - t0
        statements.clear()
        profiler = cProfile.Profile()
        cpu0, t0 = time.process_time(), time.perf_counter()
        profiler.enable()
        for n in range(5 + cards, 5 + 2 * cards):
            post(n)
        profiler.disable()
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0

    shutil.rmtree(tmp, ignore_errors=True)
    kinds = collections.Counter()
    for statement in statements:
        words = statement.split()
        verb = words[0].upper()
        table = ""
        if verb in ("SELECT",):
            match = re.search(r"\bFROM\s+(\w+)", statement, re.I)
            table = match.group(1) if match else ""
        elif verb in ("INSERT",):
            table = words[2]
        elif verb in ("UPDATE",):
            table = words[1]
        elif verb in ("DELETE",):
            table = words[2]
        kinds[f"{verb} {table}".strip()] += 1
    print(f"code: {os.popen('git -C ' + str(ROOT) + ' log -1 --format=%h').read().strip()}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{cards} cards through operations.perform (no sockets): "
          f"{bare_cpu / cards * 1000:.2f} ms CPU a card ({bare_wall / cards * 1000:.2f} ms "
          f"wall); {cpu / cards * 1000:.2f} ms with cProfile on")
    print(f"SQL statements a card: {len(statements) / cards:.1f}")
    for kind, n in kinds.most_common():
        print(f"  {n / cards:5.2f}  {kind}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"facilitator", args.top)
    print(out.getvalue()[out.getvalue().find("ncalls") - 2:])
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue()[out.getvalue().find("ncalls") - 2:])


if __name__ == "__main__":
    main()
