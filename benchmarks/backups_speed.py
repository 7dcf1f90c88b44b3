"""How long a backup and a restore take, on the large workshop of large_workshop.py
(200 participants, 500 cards, 5 working groups, closed) and on the sample seminar.

    .venv/bin/python benchmarks/backups_speed.py [--runs 5]

In process, SQLite files in a temporary folder, no network: `backups.take` (SQLite's
online backup API, what the server does at every stage change) and `backups.restore`
(checks, the copy of the database as it was, the copy, the schema brought up to date, a
new epoch), wall-clock and CPU, and the file's size (docs/performance.md, "Backups").
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from large_workshop import build_large_workshop  # noqa: E402


def timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from facilitator import backups, create_app
    from facilitator.sample import create_sample

    print(f"# {harness.machine_line()}\n# {harness.command_line()}\n# {harness.git_head()}")
    folder = Path(tempfile.mkdtemp(prefix="backups-speed-"))
    for name, build in (("sample seminar (closed)", lambda app: create_sample(
            "owner@example.org", "owner-password", until="closed")),
                        ("large workshop", build_large_workshop)):
        database = folder / f"{name.split()[0]}.sqlite"
        app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
        app.instance_path = str(folder / f"{name.split()[0]}-instance")
        with app.app_context():
            upgrade()
            build(app)
            copies, restores = [], []
            for _run in range(args.runs):
                target = folder / "copy.sqlite"
                copies.append(timed(lambda: backups.take(app, target)))
                restores.append(timed(lambda: backups.restore(app, target)))
            size = target.stat().st_size
        print(f"| {name} | {size / 1024:,.0f} KB | "
              f"{statistics.median(w for w, _ in copies) * 1000:.0f} ms "
              f"({statistics.median(c for _, c in copies) * 1000:.0f} ms CPU) | "
              f"{statistics.median(w for w, _ in restores) * 1000:.0f} ms "
              f"({statistics.median(c for _, c in restores) * 1000:.0f} ms CPU) |")


if __name__ == "__main__":
    main()
