"""A snapshot storm: a thousand phones come back at once (after a server restart or a
Wi-Fi cut) and all ask for the room from nothing. Talks to 127.0.0.1 only; bounded in
count and time (every wait has a deadline; the whole run stays under ~5 minutes).

    .venv/bin/python benchmarks/snapshot_storm.py                    # 1,000 phones, since 0
    .venv/bin/python benchmarks/snapshot_storm.py --behind 600       # since = last seq - 600
    .venv/bin/python benchmarks/snapshot_storm.py --client old       # live.js's old resends
    .venv/bin/python benchmarks/snapshot_storm.py --until objectives # at Step 3, in groups
    TEST_DATABASE_URL=$(scripts/postgres.sh start /tmp/pg 55441 fast) \
        .venv/bin/python benchmarks/snapshot_storm.py   # on PostgreSQL (tests/databases.py)

Set-up (not timed): the real server (eventlet, SQLite) on a fresh database with the sample
seminar at the ideas stage (~40 cards; or --until objectives: Step 3, its groups formed);
N phones join through the real join form; at the ideas stage some of them post cards
until the wall holds --cards cards; a phone, the projector and a console each `sync`
--sequential times (the size of each view's snapshot as sent, and the server's CPU for
one); --sequential phones then `sync` one after the other (since 0, then behind), which
gives the server's CPU for one phone's snapshot; every socket is closed; the server is
restarted (--no-restart keeps it: then it is a Wi-Fi cut).

The storm: all N phones open a WebSocket at the same moment and, as soon as each is in,
send `sync` the way the reference client (static/js/core/live.js) does (--client current: a
60 s ack timeout, then the same `sync` again 1-5 s later, a late ack dropped; --client
old: live.js before main's 4a7f3bc, 8 s then again 1 s later; --client patient: one
`sync`, no timeout but the deadline). With --behind, `sync` carries the phone's `scope` as a phone
that had a snapshot would. A probe in its own process GETs
/healthz and sends `sync` on its own socket every 0.25 s meanwhile. After the last
snapshot (or the deadline) the phones stay connected --hold seconds, to see whether the
server keeps them.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402

import harness  # noqa: E402
import lightclient as lc  # noqa: E402

# How a phone waits for its `sync` (static/js/core/live.js): (ack timeout s, resend after s,
# random extra s before resending). "old": live.js before main's 4a7f3bc (the 8 s timeout
# of operations, then again 1 s later); "current": since then (60 s, then 1-5 s later);
# "patient": one sync, waiting until the deadline.
CLIENTS = {"old": (8.0, 1.0, 0.0), "current": (60.0, 1.0, 4.0), "patient": (None, 0.0, 0.0)}
EMAIL, PASSWORD = "bench@example.org", "bench-password"


class Phone:
    def __init__(self, browser: lc.Browser):
        self.browser = browser
        self.sock: lc.Socket | None = None
        self.connect_s: float | None = None
        self.connect_error = ""
        self.snapshot_s: float | None = None
        self.syncs = 0
        self.timeouts = 0
        self.other_ack = ""
        self.scope: str | None = None  # the scope of this phone's last snapshot, if any


async def storm_one(phone: Phone, base: str, workshop: int, since: int,
                    http: aiohttp.ClientSession, t0: float, deadline: float,
                    client: str) -> None:
    phone.sock = lc.new_socket(base, phone.browser, workshop, keep_data=set())
    try:
        await phone.sock.connect(http, timeout=max(1.0, deadline - time.perf_counter()))
    except Exception as error:  # noqa: BLE001 - counted and reported
        phone.connect_error = type(error).__name__ + (
            f" {error}" if isinstance(error, lc.ConnectRefused) else "")
        return
    phone.connect_s = time.perf_counter() - t0
    ack_timeout, resend_after, jitter = CLIENTS[client]
    while phone.sock.connected and time.perf_counter() < deadline:
        phone.syncs += 1
        left = deadline - time.perf_counter()
        payload = {"since": since}
        if since and phone.scope:  # a phone that had a snapshot sends its scope back
            payload["scope"] = phone.scope
        try:
            ack = await phone.sock.call("sync", payload,
                                        timeout=min(ack_timeout or left, left))
        except asyncio.TimeoutError:
            phone.timeouts += 1
            await asyncio.sleep(resend_after + random.random() * jitter)
            continue
        except lc.Closed:
            return
        if isinstance(ack, dict) and ack.get("ok") and "snapshot" in ack:
            phone.snapshot_s = time.perf_counter() - t0
            return
        phone.other_ack = str(ack)[:120]
        return


async def set_up(server: harness.Server, args,
                 conn) -> tuple[int, list[Phone], int, str, str | None]:
    workshop, code = server.sample(EMAIL, PASSWORD, until=args.until)
    t = time.perf_counter()
    browsers = await lc.join_many(server.url, conn, code, args.phones,
                                  concurrency=args.join_concurrency)
    print(f"set-up: {args.phones} phones joined over HTTP in {time.perf_counter() - t:.1f} s",
          flush=True)
    phones = [Phone(b) for b in browsers]
    async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:
        first = lc.new_socket(server.url, browsers[0], workshop)
        await first.connect(http)
        cards = len((await first.call("sync", {"since": 0}))["snapshot"]["ideas"]["list"])
        posters = [lc.new_socket(server.url, b, workshop)
                   for b in browsers[1:1 + max(0, args.cards - cards)]
                   if args.until == "ideas"]  # cards are posted at the ideas stage only
        errors = await lc.connect_many(posters, http)
        assert not errors, errors[:3]
        sem = asyncio.Semaphore(8)

        async def post(sock: lc.Socket, n: int) -> None:
            async with sem:
                ack = await sock.op("idea.post", {
                    "text": f"Card {n}: a diaspora mentoring programme, matched by sector "
                            f"and country, with a yearly forum in Beirut and online follow-up.",
                    "kind": ("idea", "experience", "practice")[n % 3], "origin": "Benchmark"})
                assert ack.get("ok"), ack
        await asyncio.gather(*(post(s, n) for n, s in enumerate(posters)))
        snap = (await first.call("sync", {"since": 0}))["snapshot"]
        # each view's snapshot: its size as sent (the ack's frame) and the server's CPU
        staff = await lc.sign_in(server.url, conn, EMAIL, PASSWORD)
        console = lc.new_socket(server.url, staff, workshop, view="console")
        projector = lc.new_socket(server.url, staff, workshop, view="projector")
        errors = await lc.connect_many([console, projector], http)
        assert not errors, errors
        whole = (await console.call("sync", {"since": 0}))["snapshot"]
        pid = server.process.pid
        for label, sock in (("phone", first), ("projector", projector),
                            ("console", console)):
            await sock.call("sync", {"since": 0})  # the shared part built for this view
            sizes, cpu0 = [], lc.cpu_seconds(pid)
            for _ in range(max(1, args.sequential)):
                before = sock.bytes_in
                ack = await sock.call("sync", {"since": 0}, timeout=30)
                assert "snapshot" in ack, ack
                sizes.append(sock.bytes_in - before)
            cpu = (lc.cpu_seconds(pid) - cpu0) / len(sizes) * 1000
            state = ack["snapshot"]
            print(f"set-up: a {label}'s snapshot: {max(sizes):,} bytes as sent "
                  f"({max(sizes) / 1024:.0f} KiB; participants "
                  f"{len(json.dumps(state['participants'])) // 1024} KiB, ideas "
                  f"{len(json.dumps(state['ideas'])) // 1024} KiB with "
                  f"{len(state['ideas']['list'])} cards); {cpu:.1f} ms of server CPU each, "
                  f"{len(sizes)} one after the other", flush=True)
        await lc.close_all([console, projector])
        await staff.close()
        # Since issue 7, `sync` carries the scope of the phone's last snapshot
        # ("all,p<id>"), without which any `since` gets a snapshot. Each phone's scope,
        # from its name (the console's list: a phone's holds only its group's people).
        scope0 = snap.get("scope")
        if scope0:
            ids = {p["name"]: p["id"] for p in whole["participants"]["list"]}
            me = snap["me"]["id"]
            for i, phone in enumerate(phones):
                phone.scope = scope0.replace(f"p{me}", f"p{ids[f'Phone {i}']}")
        # what one snapshot costs the server when phones ask one after the other
        sample = posters[:args.sequential]
        if len(sample) < args.sequential:  # no card posted (Step 3): other phones sync
            extra = [lc.new_socket(server.url, b, workshop)
                     for b in browsers[1 + len(sample):1 + args.sequential]]
            errors = await lc.connect_many(extra, http)
            assert not errors, errors[:3]
            sample += extra
        pid = server.process.pid
        behind = max(1, snap["seq"] - (args.behind or 600))
        for label, since in (("since 0", 0), (f"since last seq - {args.behind or 600}",
                                              behind)):
            cpu0, t, snapshots = lc.cpu_seconds(pid), time.perf_counter(), 0
            for n, sock in enumerate(sample):
                payload = {"since": since}
                if since and phones[1 + n].scope:
                    payload["scope"] = phones[1 + n].scope
                ack = await sock.call("sync", payload, timeout=30)
                snapshots += "snapshot" in ack
            if sample:
                print(f"set-up: one sync ({label}), {len(sample)} phones one after the "
                      f"other: {(lc.cpu_seconds(pid) - cpu0) / len(sample) * 1000:.0f} ms "
                      f"of server CPU, {(time.perf_counter() - t) / len(sample) * 1000:.0f} "
                      f"ms wall each; {snapshots} answered with a snapshot", flush=True)
        await lc.close_all([first, *posters, *sample[len(posters):]])
    cookie = browsers[0].cookie_header()
    print(f"set-up: the wall holds {len(whole['ideas']['list'])} cards, "
          f"{len(whole['participants']['list'])} participants, last seq {snap['seq']}; "
          f"a phone's snapshot is {len(json.dumps(snap)) // 1024} KiB of JSON",
          flush=True)
    return workshop, phones, snap["seq"], cookie, phones[0].scope


async def run(args) -> None:
    soft, hard = lc.raise_nofile()
    print(f"benchmark process: RLIMIT_NOFILE soft {soft}, hard {hard}")
    print(f"machine: {harness.machine_line()}")
    print(f"code: {harness.git_head()}")
    conn = lc.connector()
    with harness.workdir() as tmp:
        server = harness.Server(tmp, nofile=args.server_nofile)
        server.start()
        try:
            workshop, phones, last_seq, cookie, scope = await set_up(server, args, conn)
            if args.restart:
                server.restart()  # keeps the database (PostgreSQL's is dropped by stop())
                print("set-up: server restarted on the same database", flush=True)
            since = 0 if args.behind is None else max(1, last_seq - args.behind)
            pid = server.process.pid
            cpu0, rss0 = lc.cpu_seconds(pid), lc.rss_mib(pid)
            probe = harness.Probe(server.url, cookie=cookie, workshop=workshop,
                                  since=last_seq, scope=scope,
                                  max_seconds=args.deadline + args.hold + 60)
            await asyncio.sleep(2.0)  # the probe's socket is in and has a baseline
            rss_peak = [rss0]
            fds_peak = [0]

            async def watch() -> None:
                while True:
                    try:
                        rss_peak[0] = max(rss_peak[0], lc.rss_mib(pid))
                        fds_peak[0] = max(fds_peak[0], lc.open_fds(pid))
                    except (OSError, ValueError):
                        return
                    await asyncio.sleep(0.5)

            watcher = asyncio.create_task(watch())
            load_before = harness.machine_line()
            t_probe0 = time.perf_counter() - probe.started
            async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:
                t0 = time.perf_counter()
                deadline = t0 + args.deadline
                client_cpu0 = time.process_time()
                await asyncio.gather(*(storm_one(p, server.url, workshop, since, http, t0,
                                                 deadline, args.client) for p in phones))
                client_cpu = time.process_time() - client_cpu0
                storm_s = time.perf_counter() - t0
                cpu_storm = lc.cpu_seconds(pid) - cpu0 if server.alive() else float("nan")
                await asyncio.sleep(args.hold)
                held_s = time.perf_counter() - t0
                t_probe1 = time.perf_counter() - probe.started
                socks = [p.sock for p in phones if p.sock is not None]
                closed = [s for s in socks if s.closed_at is not None and s.connected_at]
                t_end = time.perf_counter()
                pings = sum(len(s.pings) for s in socks)
                # per socket, the longest time without a ping from the server: from its
                # connect to the first ping, between pings, from the last to its end
                gaps = [max(b - a for a, b in zip(
                    [s.connected_at, *s.pings], [*s.pings, s.closed_at or t_end]))
                    for s in socks if s.connected_at]
                late = sum(s.late_acks for s in socks)
                still_connected = sum(1 for s in socks if s.connected)
                await lc.close_all(socks)
            watcher.cancel()
            probed = probe.stop()
            alive = server.alive()
        finally:
            server.stop()
            log = server.keep_log("snapshot_storm")
        problems, first_problems = server.log_problems()
    await conn.close()

    n = len(phones)
    got = sorted(p.snapshot_s for p in phones if p.snapshot_s is not None)
    connected = sorted(p.connect_s for p in phones if p.connect_s is not None)
    refused: dict[str, int] = {}
    for p in phones:
        if p.connect_error:
            refused[p.connect_error] = refused.get(p.connect_error, 0) + 1
    reasons: dict[str, int] = {}
    for s in closed:
        reasons[s.close_reason] = reasons.get(s.close_reason, 0) + 1

    def window(samples):
        return [x for x in samples if t_probe0 <= x[0] <= t_probe1]

    def probe_line(samples) -> str:
        inside = window(samples)
        ok = [x[1] for x in inside if x[1] is not None]
        failed = [x for x in inside if x[1] is None]
        longest = 0.0
        last_ok = t_probe0
        for x in inside:  # the longest time without an answer
            if x[1] is not None:
                longest = max(longest, x[0] + x[1] / 1000 - last_ok)
                last_ok = x[0] + x[1] / 1000
        longest = max(longest, t_probe1 - last_ok)
        worst = max((x for x in inside if x[1] is not None), key=lambda x: x[1],
                    default=None)
        return (f"{len(ok)}/{len(inside)} answered, latency ms {harness.quantiles(ok)}"
                + (f" (the slowest sent {worst[0] - t_probe0:.1f} s into the storm)"
                   if worst else "")
                + f"; {len(failed)} failed; longest time without an answer {longest:.1f} s")

    mode = "since 0" if args.behind is None else f"since = last seq - {args.behind} ({since})"
    print()
    print(f"== snapshot storm: {n} phones, {mode}, "
          f"{'after a restart' if args.restart else 'same server (Wi-Fi cut)'}, "
          f"phones wait for a sync as the {args.client!r} client does")
    print(f"load before the storm: {load_before}")
    print(f"connected: {len(connected)}/{n}; connect time s: "
          + (f"median {statistics.median(connected):.1f}, max {connected[-1]:.1f}"
             if connected else "-")
          + (f"; refused/failed: {refused}" if refused else ""))
    print(f"snapshots: {len(got)}/{n}; time to the last snapshot: "
          + (f"{got[-1]:.1f} s (first {got[0]:.1f} s, median {statistics.median(got):.1f} s)"
             if got else "-"))
    waits = sorted(p.snapshot_s - p.connect_s for p in phones
                   if p.snapshot_s is not None and p.connect_s is not None)
    if waits:
        print(f"from a phone's connect to its snapshot: median {statistics.median(waits):.1f} s, "
              f"max {waits[-1]:.1f} s; within 5 s: {sum(w <= 5 for w in waits)}/{len(waits)}")
    print(f"syncs sent: {sum(p.syncs for p in phones)} ({sum(p.timeouts for p in phones)} "
          f"timed out and were resent; {late} late acks dropped)")
    others = [p.other_ack for p in phones if p.other_ack]
    if others:
        print(f"acks without a snapshot: {len(others)}, e.g. {others[0]}")
    print(f"storm lasted {storm_s:.1f} s; then held {args.hold:.0f} s; "
          f"still connected at the end: {still_connected}/{len(socks)}")
    print(f"disconnected by the server (during storm + hold): {len(closed)}"
          + (f" {reasons}" if reasons else ""))
    if closed:
        times = sorted(s.closed_at - t0 for s in closed)
        print(f"  disconnect times s: first {times[0]:.1f}, median "
              f"{statistics.median(times):.1f}, last {times[-1]:.1f}")
    print(f"server pings to the phones: {pings} received; longest time a phone went "
          f"without one: {max(gaps) if gaps else float('nan'):.1f} s (interval 10 s, the "
          f"server's timeout 20 s)")
    print(f"probe GET /healthz every 0.25 s: {probe_line(probed.get('healthz', []))}")
    print(f"probe socket sync every 0.25 s: {probe_line(probed.get('sync', []))}; "
          f"{probed.get('socket')}")
    print(f"server CPU during the storm: {cpu_storm:.1f} s over {storm_s:.1f} s; "
          f"RSS {rss0:.0f} MiB before, peak {rss_peak[0]:.0f} MiB; open fds peak "
          f"{fds_peak[0]}; alive at the end: {alive}")
    print(f"the benchmark's own CPU during the storm: {client_cpu:.1f} s (same 2 cores)")
    if args.server_nofile:
        print(f"server started with open files limited to {args.server_nofile} "
              f"(soft[:hard])")
    print(f"server log: {problems} lines look like trouble (kept in "
          f"{log.relative_to(harness.ROOT)})")
    for line in first_problems:
        print(f"  | {line[:200]}")
    print(f"total {held_s:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=300,
                        help="cards on the wall (the sample has ~40; phones post the rest)")
    parser.add_argument("--until", choices=("ideas", "objectives"), default="ideas",
                        help="the sample's stage: the ideas (phones post cards up to --cards) "
                             "or Step 3's objectives (the phones joining are placed in its "
                             "groups; no card posted)")
    parser.add_argument("--behind", type=int, default=None,
                        help="phones send since = last seq - BEHIND (more than 500: a "
                             "snapshot after the catch-up query)")
    parser.add_argument("--no-restart", dest="restart", action="store_false")
    parser.add_argument("--deadline", type=float, default=120,
                        help="seconds the storm may last")
    parser.add_argument("--hold", type=float, default=15,
                        help="seconds the phones stay connected after the storm")
    parser.add_argument("--client", choices=sorted(CLIENTS), default="current",
                        help="how phones wait for their sync: like static/js/core/live.js now "
                             "(current: 60 s, then again 1-5 s later), before main's "
                             "4a7f3bc (old: 8 s, then again 1 s later), or one sync each "
                             "(patient)")
    parser.add_argument("--sequential", type=int, default=50,
                        help="in the set-up, this many phones sync one after the other "
                             "(since 0, then behind): the server's CPU per snapshot")
    parser.add_argument("--join-concurrency", type=int, default=8)
    parser.add_argument("--server-nofile", default=None, metavar="SOFT[:HARD]",
                        help="the server's open-files limits, as a shell's ulimit would "
                             "set them (default: inherited from this process)")
    args = parser.parse_args()
    args.phones = min(args.phones, 2000)
    args.deadline = min(args.deadline, 180)
    args.hold = min(args.hold, 60)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
