"""How long a facilitator's step change takes to reach the last of 100, 500 and 1,000
phones, with the light client (one process, asyncio). Talks to 127.0.0.1 only; bounded in
count and time.

    .venv/bin/python benchmarks/stage_fanout.py --steps 100,500,1000 --rounds 10

The real server (eventlet, SQLite) on a fresh database with the sample seminar; the
phones join through the real join form, then connect in steps (100, then 400 more, ...).
At each step the console moves the room R times (welcome <-> ideas); a round's latency is
from the console's emit to the moment the last phone's frame is read (every frame is
time-stamped as it is read: no polling). Also: the console's ack, the server's CPU per
round and its memory at each step. (benchmarks/room_fanout.py does the same with
thread-per-client python-socketio, up to 500 phones.)
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402

import harness  # noqa: E402
import lightclient as lc  # noqa: E402


async def run(args) -> None:
    soft, hard = lc.raise_nofile()
    steps = sorted({min(int(s), 2000) for s in args.steps.split(",")})
    print(f"benchmark process: RLIMIT_NOFILE soft {soft}, hard {hard}")
    print(f"machine: {harness.machine_line()}")
    print(f"code: {harness.git_head()}")
    conn = lc.connector()
    rows = []
    with harness.workdir() as tmp:
        server = harness.Server(tmp)
        server.start()
        try:
            pid = server.process.pid
            workshop, code = server.sample("bench@example.org", "bench-password")
            idle_rss = lc.rss_mib(pid)
            t = time.perf_counter()
            browsers = await lc.join_many(server.url, conn, code, steps[-1])
            print(f"set-up: {steps[-1]} phones joined over HTTP in "
                  f"{time.perf_counter() - t:.1f} s", flush=True)
            staff = await lc.sign_in(server.url, conn, "bench@example.org", "bench-password")
            async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:
                console = lc.new_socket(server.url, staff, workshop, "console")
                await console.connect(http)
                phones: list[lc.Socket] = []
                stage = "welcome"
                for n in steps:
                    new = [lc.new_socket(server.url, b, workshop)
                           for b in browsers[len(phones):n]]
                    t = time.perf_counter()
                    errors = await lc.connect_many(new, http)
                    connect_s = time.perf_counter() - t
                    assert not errors, errors[:3]
                    phones += new
                    await asyncio.sleep(1.0)
                    latencies, acks, cpus = [], [], []
                    client_cpu0 = time.process_time()
                    for _ in range(args.rounds):
                        target = "ideas" if stage == "welcome" else "welcome"
                        got = asyncio.Event()
                        waiting = [len(phones)]
                        last = [0.0]

                        def on_event(sock, event, target=target, got=got, waiting=waiting,
                                     last=last):
                            if (event.type == "stage.changed"
                                    and event.data["stage"] == target):
                                last[0] = max(last[0], event.t)
                                waiting[0] -= 1
                                if waiting[0] == 0:
                                    got.set()

                        for sock in phones:
                            sock.on_event = on_event
                        cpu0 = lc.cpu_seconds(pid)
                        t_send = time.perf_counter()
                        ack = await console.op("stage.change",
                                               {"from_stage": stage, "to_stage": target})
                        acks.append((time.perf_counter() - t_send) * 1000)
                        assert ack.get("ok"), ack
                        await asyncio.wait_for(got.wait(), 60)
                        latencies.append((last[0] - t_send) * 1000)
                        cpus.append(lc.cpu_seconds(pid) - cpu0)
                        stage = target
                        for sock in phones:
                            sock.on_event = None
                            sock.events.clear()
                        await asyncio.sleep(args.pause)
                    client_cpu = time.process_time() - client_cpu0
                    closed = sum(1 for s in phones if s.closed_at is not None)
                    rows.append((n, connect_s, latencies, acks, cpus, lc.rss_mib(pid),
                                 client_cpu, closed, harness.machine_line()))
                    print(f"{n} phones: last phone median {statistics.median(latencies):.0f} "
                          f"ms, max {max(latencies):.0f} ms", flush=True)
                await lc.close_all([console, *phones])
            for b in [*browsers, staff]:
                await b.close()
        finally:
            server.stop()
            log = server.keep_log("stage_fanout")
        problems, first_problems = server.log_problems()
    await conn.close()

    print()
    print(f"== step change fan-out, {args.rounds} rounds a step; server RSS idle "
          f"{idle_rss:.0f} MiB")
    print("| phones | connect (new sockets) | to the last phone: median / max | console ack "
          "median | server CPU a round | server RSS | benchmark CPU | dropped |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, connect_s, lat, acks, cpus, rss, client_cpu, closed, _load in rows:
        print(f"| {n} | {connect_s:.1f} s | {statistics.median(lat):.0f} / {max(lat):.0f} ms | "
              f"{statistics.median(acks):.0f} ms | {statistics.median(cpus) * 1000:.0f} ms | "
              f"{rss:.0f} MiB | {client_cpu:.1f} s | {closed} |")
    print(f"server log: {problems} lines look like trouble (kept in "
          f"{log.relative_to(harness.ROOT)})")
    for line in first_problems:
        print(f"  | {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", default="100,500,1000")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--pause", type=float, default=0.3,
                        help="seconds between two rounds")
    args = parser.parse_args()
    args.rounds = min(args.rounds, 50)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
