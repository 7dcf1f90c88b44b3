"""A room joining: N phones scan the QR code within seconds of each other and each goes
all the way to the live wall. Talks to 127.0.0.1 only; bounded (every wait has a
deadline, the whole run stays under ~5 minutes at 1,000 phones).

    .venv/bin/python benchmarks/join_storm.py --phones 1000 --concurrency 100

Set-up (not timed): the real server (eventlet, SQLite) on a fresh database with the
sample seminar at the welcome stage (25 people already in, joining open).

Each phone, as a phone's browser does: GET the join page (csrf token, nonce), POST the
form (302 to /w/<id>, the cookie), GET its phone page, open the Socket.IO connection and
`sync` from nothing (the snapshot). --concurrency phones are under way at any moment (a
room's phones do not all press "Join" in the same millisecond; the Wi-Fi spreads them
too). The clock runs from the first GET to the last snapshot. A probe in its own process
GETs /healthz every 0.25 s meanwhile. Static files are left out: a phone fetches them
once, from cache headers a year long, and they cost the server little (Flask-Compress).
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

EMAIL, PASSWORD = "bench@example.org", "bench-password"


async def arrive(base: str, conn, code: str, workshop: int, n: int,
                 http: aiohttp.ClientSession, marks: dict) -> lc.Socket:
    """One phone from the QR code to its first snapshot; marks its steps' end times."""
    started = time.perf_counter()
    browser = await lc.join(base, conn, code, f"Phone {n}")
    joined = time.perf_counter()
    async with browser.http.get(f"{base}/w/{workshop}") as page:
        await page.read()
        if page.status != 200:
            raise RuntimeError(f"phone page: HTTP {page.status}")
    paged = time.perf_counter()
    sock = lc.new_socket(base, browser, workshop, keep_data=set())
    await sock.connect(http, timeout=60)
    answer = await sock.call("sync", {"since": 0}, timeout=60)
    if not answer.get("ok") or "snapshot" not in answer:
        raise RuntimeError(f"sync: {answer}")
    done = time.perf_counter()
    marks[n] = (started, joined - started, paged - joined, done - paged, done)
    await browser.close()
    return sock


async def run(args) -> None:
    lc.raise_nofile()
    print(f"machine: {harness.machine_line()}")
    print(f"code: {harness.git_head()}")
    conn = lc.connector()
    with harness.workdir() as tmp:
        server = harness.Server(tmp)
        server.start()
        try:
            workshop, code = server.sample(EMAIL, PASSWORD, until="welcome")
            pid = server.process.pid
            probe = harness.Probe(server.url, max_seconds=args.deadline + 60)
            await asyncio.sleep(1.0)
            cpu0 = lc.cpu_seconds(pid)
            sem = asyncio.Semaphore(args.concurrency)
            marks: dict[int, tuple] = {}
            errors: list[str] = []
            sockets: list[lc.Socket] = []
            async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:

                async def one(n: int) -> None:
                    async with sem:
                        try:
                            sockets.append(await arrive(server.url, conn, code, workshop, n,
                                                        http, marks))
                        except Exception as error:  # noqa: BLE001
                            errors.append(f"{type(error).__name__}: {error}"[:200])

                t0 = time.perf_counter()
                await asyncio.wait_for(
                    asyncio.gather(*(one(n) for n in range(args.phones))), args.deadline)
                elapsed = time.perf_counter() - t0
                cpu = lc.cpu_seconds(pid) - cpu0
                await lc.close_all(sockets)
            healthz = probe.stop()
            problems, lines = server.log_problems()
        finally:
            server.stop()
    steps = list(zip(*[m[1:4] for m in marks.values()])) if marks else [[], [], []]
    waits = [s[1] for s in healthz.get("healthz", []) if s[1] is not None]
    failed_probes = sum(1 for s in healthz.get("healthz", []) if s[1] is None)
    print(f"{len(marks)}/{args.phones} phones from the join page to their snapshot in "
          f"{elapsed:.1f} s ({args.concurrency} under way at once); errors: {len(errors)}"
          + (f" (first: {errors[0]})" if errors else ""))
    print(f"server CPU: {cpu:.1f} s, {cpu / max(1, len(marks)) * 1000:.1f} ms a phone")
    for name, values in zip(("join form (GET + POST)", "phone page", "socket + snapshot"),
                            steps):
        print(f"  {name}: ms {harness.quantiles([v * 1000 for v in values])}")
    if marks:
        print(f"  whole arrival: median {statistics.median(m[4] - m[0] for m in marks.values()) * 1000:.0f} ms")
    print(f"/healthz meanwhile: ms {harness.quantiles(waits)}; unanswered: {failed_probes}")
    print(f"server log: {problems} suspicious lines" + "".join(f"\n  {x}" for x in lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--deadline", type=float, default=240.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
