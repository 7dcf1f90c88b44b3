"""Server CPU per card: the app against a bare Flask-SocketIO server, in the same run.
Talks to 127.0.0.1 only; bounded in count and time.

    .venv/bin/python benchmarks/card_cpu.py --phones 200 --cards 200 --rounds 2

Two servers in subprocesses, both eventlet + SQLite on fresh files: the app (`wsgi.py`,
the sample seminar at the ideas stage) and benchmarks/bare_server.py (one INSERT of the
same row, one broadcast, one ack). The same N phones (light client, one process) are
connected to each: in the app they joined through the real form, in the bare server they
just connect. Then, for each server in turn (R rounds, alternating, after a warm-up), K
cards are posted by the phones one after the other (each waits for its ack; the phones
take turns), and the round ends when every phone has received every card. The server's
CPU time (utime + stime from /proc/<pid>/stat) over the round, divided by K, is its cost
per card, fan-out to N phones included.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402
import requests  # noqa: E402

import harness  # noqa: E402
import lightclient as lc  # noqa: E402
from tests.support import free_port  # noqa: E402


class Bare:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "bare.log"
        self.env = {**os.environ, "PORT": str(self.port),
                    "DATABASE": str(workdir / "bare.sqlite")}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, str(harness.ROOT / "benchmarks" / "bare_server.py")],
            env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text())
            try:
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("bare server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


async def post_cards(posters: list[lc.Socket], receivers: list[lc.Socket], cards: int,
                     label: str, pid: int, concurrency: int) -> dict:
    """Post `cards` cards (phones take turns), wait until every receiver has them all;
    returns the server CPU, wall time and ack latencies of the round."""
    counts = {id(s): 0 for s in receivers}
    done = asyncio.Event()
    remaining = [len(receivers)]
    target = cards

    def on_event(sock: lc.Socket, event: lc.Event) -> None:
        if event.type != "idea.posted":
            return
        counts[id(sock)] += 1
        if counts[id(sock)] == target:
            remaining[0] -= 1
            if remaining[0] == 0:
                done.set()

    for sock in receivers:
        sock.on_event = on_event
    acks: list[float] = []
    queue = list(range(cards))
    cpu0, t0 = lc.cpu_seconds(pid), time.perf_counter()

    async def worker(w: int) -> None:
        while queue:
            n = queue.pop(0)
            sock = posters[n % len(posters)]
            start = time.perf_counter()
            ack = await sock.op("idea.post", {
                "text": f"{label} card {n}: a diaspora mentoring programme, matched by sector "
                        f"and country, with a yearly forum and online follow-up.",
                "kind": "idea", "origin": "Benchmark"}, timeout=30)
            assert isinstance(ack, dict) and ack.get("ok"), ack
            acks.append((time.perf_counter() - start) * 1000)

    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    try:
        await asyncio.wait_for(done.wait(), 120)
    except asyncio.TimeoutError:
        pass
    wall = time.perf_counter() - t0
    cpu = lc.cpu_seconds(pid) - cpu0
    missing = sum(target - c for c in counts.values())
    for sock in receivers:
        sock.on_event = None
        sock.events.clear()
    return {"cpu": cpu, "wall": wall, "acks": acks, "missing": missing}


async def run(args) -> None:
    soft, hard = lc.raise_nofile()
    print(f"benchmark process: RLIMIT_NOFILE soft {soft}, hard {hard}")
    print(f"machine: {harness.machine_line()}")
    print(f"code: {harness.git_head()}")
    conn = lc.connector()
    results: dict[str, list[dict]] = {"app": [], "bare": []}
    with harness.workdir() as tmp:
        app = harness.Server(tmp)
        bare = Bare(tmp)
        app.start()
        bare.start()
        try:
            workshop, code = app.sample("bench@example.org", "bench-password", until="ideas")
            browsers = await lc.join_many(app.url, conn, code, args.phones)
            async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:
                app_phones = [lc.new_socket(app.url, b, workshop, keep_data=set())
                              for b in browsers]
                bare_phones = [lc.Socket(base=bare.url, cookie="", keep_data=set(), auth={
                    "workshop": 1, "view": "phone", "participant": i + 1})
                    for i in range(args.phones)]
                errors = await lc.connect_many(app_phones + bare_phones, http)
                assert not errors, errors[:3]
                # each phone may post 40 cards in the app: spread the posting
                servers = {"app": (app.process.pid, app_phones),
                           "bare": (bare.process.pid, bare_phones)}
                for name, (pid, phones) in servers.items():  # warm-up
                    await post_cards(phones, phones, 10, f"warm-up {name}", pid, 1)
                print(f"set-up: {args.phones} phones on each server; warm-up done; "
                      f"load {harness.machine_line()}", flush=True)
                for round_ in range(args.rounds):
                    for name, (pid, phones) in servers.items():
                        r = await post_cards(phones, phones, args.cards,
                                             f"round {round_} {name}", pid, args.concurrency)
                        results[name].append(r)
                        print(f"round {round_ + 1} {name}: {r['cpu'] / args.cards * 1000:.2f} "
                              f"ms CPU a card, {r['wall']:.1f} s, missing {r['missing']}",
                              flush=True)
                await lc.close_all(app_phones + bare_phones)
            for b in browsers:
                await b.close()
            alive = app.alive()
        finally:
            app.stop()
            bare.stop()
            log = app.keep_log("card_cpu")
        problems, first_problems = app.log_problems()
        bare_log = bare.log_path.read_text(errors="replace")
    await conn.close()

    def per_card(name: str) -> float:
        return statistics.median(r["cpu"] for r in results[name]) / args.cards * 1000

    app_ms, bare_ms = per_card("app"), per_card("bare")
    print()
    print(f"== CPU per card: {args.phones} phones connected, {args.cards} cards a round, "
          f"{args.rounds} rounds each, {args.concurrency} card(s) in flight")
    for name in ("app", "bare"):
        rs = results[name]
        acks = [a for r in rs for a in r["acks"]]
        print(f"{name:5}: {per_card(name):.2f} ms CPU a card (rounds: "
              + ", ".join(f"{r['cpu'] / args.cards * 1000:.2f}" for r in rs)
              + f"); wall {statistics.median(r['wall'] for r in rs) / args.cards * 1000:.1f} "
              f"ms a card; ack ms {harness.quantiles(acks)}; cards missing at a phone: "
              f"{sum(r['missing'] for r in rs)}")
    print(f"ratio app / bare: {app_ms / bare_ms:.1f}x")
    print(f"app alive at the end: {alive}; app log: {problems} lines look like trouble "
          f"(kept in {log.relative_to(harness.ROOT)}); bare log: "
          f"{len(bare_log.splitlines())} lines")
    for line in first_problems:
        print(f"  | {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="cards in flight at once (default: one after the other)")
    args = parser.parse_args()
    args.phones = min(args.phones, 1000)
    # the app takes 40 cards a phone: keep the whole run within that
    # (1 warm-up card, then at most ceil(cards / phones) a round each)
    args.rounds = max(1, min(args.rounds, 5))
    args.cards = min(args.cards, 500, args.phones * (39 // args.rounds))
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
