"""Step 3: five groups of 40 phones editing their boards at once (issue 9). Talks to
127.0.0.1 only; bounded in count and time.

    .venv/bin/python benchmarks/groups_editing.py --groups 5 --per-group 40 \\
        --objectives 3 --actors 2 --actions 1 --interval 8

The real server (eventlet, SQLite) on a fresh database, set up through the app's own
paths: `flask sample --until confirm` (25 participants, six themes, three priorities
confirmed); the facilitator signs in and sets the workshop's number of priorities to G
through the settings form (/workshops/<id>/edit); G x N phones join through the real join
form; the console confirms the vote's first G themes (`priorities.confirm`), moves the
room to `objectives` (`stage.change`: one group per priority), asks for the balanced
proposal (`groups.propose`, timed, not applied) and applies its own assignment with
`groups.assign`: phone i in group i mod G, the sample's 25 participants spread too (they
have no socket). Each phone answers the server's `resync` with `sync`, as the reference
client does, and takes its group from the snapshot (`my_group_id`). A console and a
projector are connected too.

Then three phases, one per sub-step (objectives, then actors, then actions; the room
goes through each synthesis stage between them): every phone adds its K entries of the
kind at a steady pace, one every `interval` seconds, the phones' starts spread evenly
over the first interval (so G x N / interval entries a second in all); each waits for its
ack. Each `*.saved` frame is time-stamped as it is read (no polling). Measured, per group
and overall:

- fan-out: from the author's send to the frame read by the last of the group's
  connected members (the author included), median / p95 / max;
- foreign events: `*.saved` frames read by a phone of another group (must be 0), and
  entries some member of the group, the console or the projector never got;
- ack latency of the author;
- server CPU (utime + stime from /proc/<pid>/stat) over the phase, divided by the
  entries; the server's idle CPU rate (pings of 200 sockets) is measured before and given
  alongside;
- the protocol's stream check on every socket (a `prev` past the stream's last seq is a
  hole), and how many acks were read 30 ms or more after the group's last frame (the
  40 ms delayed-ACK stall of docs/performance.md, gone since the server sets
  TCP_NODELAY on the sockets it accepts).

Results: docs/performance.md, "Step 3: five groups of 40 phones".
"""
from __future__ import annotations

import argparse
import asyncio
import html.parser
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402

import harness  # noqa: E402
import lightclient as lc  # noqa: E402

EMAIL, PASSWORD = "bench@example.org", "bench-password"
KINDS = ("objective", "actor", "action")
STAGES = {"objective": "objectives", "actor": "actors", "action": "actions"}
# actors' names get distinct initials (the server refuses an acronym of a name the
# group already has): three words, each from a list of 26 different first letters
WORDS = ("amber birch cedar delta ember falcon garnet harbour indigo juniper kestrel "
         "lantern meadow north orchard pine quarry river summit timber upland valley "
         "willow xenon yarrow zephyr").split()


class PhoneSocket(lc.Socket):
    """The light client's socket, plus what a phone does on `resync` (`sync` at once) and
    the protocol's per-stream check of every event (docs/protocol.md, "Streams"): an
    event whose `prev` is past the stream's last seq applied means one never arrived (a
    real client would `sync`: counted in `holes`), one whose seq was already passed came
    late or twice (`behind`)."""

    def __post_init__(self):
        super().__post_init__()
        self.resyncs = 0
        self.group_id: int | None = None
        self.participant_id: int | None = None
        self.sync_task: asyncio.Task | None = None
        self.heads: dict[str, int] = {}
        self.holes = 0
        self.behind = 0

    def _socketio(self, packet: str) -> None:
        if packet.startswith('2["resync"'):
            self.resyncs += 1
            self.sync_task = asyncio.get_running_loop().create_task(self.sync())
            return
        if packet.startswith('2["event"'):
            event = json.loads(packet[1:])[1]
            stream, seq, prev = event.get("stream"), event.get("seq", 0), event.get("prev", 0)
            head = self.heads.get(stream, 0)
            if seq <= head:
                self.behind += 1
            else:
                if prev > head:
                    self.holes += 1
                self.heads[stream] = seq
        super()._socketio(packet)

    async def sync(self) -> dict:
        ack = await self.call("sync", {"since": 0}, timeout=60)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"sync refused: {ack}")
        snap = ack["snapshot"]
        self.group_id = snap["groups"].get("my_group_id")
        self.participant_id = (snap.get("me") or {}).get("id")
        for stream, seq in snap["streams"].items():
            self.heads[stream] = max(self.heads.get(stream, 0), seq)
        return snap


class FormReader(html.parser.HTMLParser):
    """The fields of every <form> of a page, with their current values (inputs, selected
    options, textareas), as the browser would submit them unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._form: dict[str, str] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self._form[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in self._form:
                self._form[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form[self._textarea] += data


async def set_priority_count(staff: lc.Browser, workshop: int, count: int) -> None:
    """The workshop's settings form, as a facilitator submits it with one field changed."""
    path = f"/workshops/{workshop}/edit"
    async with staff.http.get(staff.base + path) as page:
        reader = FormReader()
        reader.feed(await page.text())
    form = next(f for f in reader.forms if "priority_count" in f)
    fields = {**form, "priority_count": str(count)}
    fields = {k: v.lstrip("\n") if k in ("purpose", "profiles", "partners") else v
              for k, v in fields.items()}
    async with staff.http.post(staff.base + path, data=fields,
                               allow_redirects=False) as response:
        page = await response.text()
        if response.status != 302:
            import re

            errors = re.findall(r'<p class="(?:field-error|flash error)"[^>]*>([^<]*)', page)
            raise RuntimeError(f"settings form refused: HTTP {response.status} {errors} "
                               f"(sent {sorted(fields)})")


async def ok(sock: lc.Socket, name: str, payload: dict | None = None, query=False) -> dict:
    ack = await (sock.call(name, payload or {}, timeout=60) if query
                 else sock.op(name, payload, timeout=60))
    if not (isinstance(ack, dict) and ack.get("ok")):
        raise RuntimeError(f"{name} refused: {ack}")
    return ack


async def move(console: lc.Socket, stage: str, target: str) -> None:
    await ok(console, "stage.change", {"from_stage": stage, "to_stage": target})


def p95(values: list[float]) -> float:
    v = sorted(values)
    return v[max(0, math.ceil(len(v) * 0.95) - 1)]


def three(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.0f} / {p95(values):.0f} / {max(values):.0f}"


class Phase:
    """One sub-step: every phone adds `per_phone` entries of `kind` at a steady pace."""

    def __init__(self, kind: str, per_phone: int, interval: float):
        self.kind, self.per_phone, self.interval = kind, per_phone, interval
        self.sent: dict[int, tuple[float, int, float]] = {}  # entry id: (t_send, group, ack ms)
        self.refused: list[dict] = []
        self.similar_resent = 0
        self.late_sends: list[float] = []  # how late a send left after its planned time

    def payload(self, phone: int, n: int, mine: dict) -> dict:
        if self.kind == "objective":
            return {"text": f"Objective {n + 1} of phone {phone}: every diaspora investor "
                            f"finds one contact point and an answer within a week."}
        if self.kind == "actor":
            i = phone * 8 + n
            name = " ".join(WORDS[(i // 26 ** k) % 26].capitalize() for k in range(3))
            return {"name": name, "kind": "private",
                    "role": "Brings its members abroad and hosts the monthly meeting."}
        return {"title": f"Action {n + 1} of phone {phone}: open a one-stop desk for "
                         f"diaspora investors",
                "objective_ids": mine["objective"][:1],
                "lead_actor_id": mine["actor"][0] if mine["actor"] else None,
                "expected_result": "150 investors served in a year",
                "resources": "Two advisers, an online form"}

    async def run_phone(self, sock: PhoneSocket, phone: int, t0: float, offset: float,
                        mine: dict) -> None:
        name = f"{self.kind}.add"
        for n in range(self.per_phone):
            planned = t0 + offset + n * self.interval
            delay = planned - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            payload = self.payload(phone, n, mine)
            t_send = time.perf_counter()
            self.late_sends.append((t_send - planned) * 1000)
            try:
                ack = await sock.op(name, payload, timeout=30)
                if (isinstance(ack, dict) and not ack.get("ok")
                        and ack["error"]["code"] == "similar_actor"):
                    self.similar_resent += 1  # the member says "add mine anyway"
                    t_send = time.perf_counter()
                    ack = await sock.op(name, {**payload, "distinct": True}, timeout=30)
            except (asyncio.TimeoutError, lc.Closed) as error:
                ack = {"ok": False, "error": {"code": type(error).__name__}}
            ack_ms = (time.perf_counter() - t_send) * 1000
            if not (isinstance(ack, dict) and ack.get("ok")):
                self.refused.append(ack)
                continue
            entry = ack[self.kind]
            mine[self.kind].append(entry["id"])
            self.sent[entry["id"]] = (t_send, sock.group_id, ack_ms)


async def run_phase(phase: Phase, phones: list[PhoneSocket], staff_socks: list[lc.Socket],
                    pid: int, mine: list[dict]) -> dict:
    kind = phase.kind
    for sock in [*phones, *staff_socks]:
        sock.events.clear()
        sock.keep_data = {f"{kind}.saved"}
        sock.holes = sock.behind = 0
    seen_by_staff = [set() for _ in staff_socks]

    def on_staff_event(index):
        def handler(sock, event):
            if event.type == f"{kind}.saved":
                seen_by_staff[index].add(event.data[kind]["id"])
        return handler

    for index, sock in enumerate(staff_socks):
        sock.on_event = on_staff_event(index)
    client_cpu0 = time.process_time()
    cpu0, t0 = lc.cpu_seconds(pid), time.perf_counter() + 0.5
    spread = phase.interval / len(phones)
    await asyncio.gather(*(phase.run_phone(sock, i, t0, i * spread, mine[i])
                           for i, sock in enumerate(phones)))
    # the last frames: the staff sockets see every entry (30 s at most), then a moment
    # for the phones
    deadline = time.perf_counter() + 30
    while (any(set(phase.sent) - seen for seen in seen_by_staff)
           and time.perf_counter() < deadline):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)
    wall = time.perf_counter() - t0
    cpu = lc.cpu_seconds(pid) - cpu0
    client_cpu = time.process_time() - client_cpu0
    for sock in staff_socks:
        sock.on_event = None

    # who should have each entry: the group's connected members (the author included)
    members = defaultdict(list)
    for sock in phones:
        members[sock.group_id].append(sock)
    last = {}  # entry id -> latest frame time among its group's members
    got = defaultdict(int)
    foreign = 0
    foreign_examples = []
    unknown = 0
    other_types: dict[str, int] = defaultdict(int)  # what else the phones read meanwhile
    for sock in phones:
        for event in sock.events:
            if event.type != f"{kind}.saved":
                other_types[event.type] += 1
                continue
            entry = event.data[kind]
            if entry["group_id"] != sock.group_id:
                foreign += 1
                if len(foreign_examples) < 3:
                    foreign_examples.append((sock.name, sock.group_id, entry["group_id"],
                                             entry["id"]))
                continue
            if entry["id"] not in phase.sent:
                unknown += 1
                continue
            got[entry["id"]] += 1
            last[entry["id"]] = max(last.get(entry["id"], 0.0), event.t)
    fanout = defaultdict(list)
    acks = defaultdict(list)
    timeline = []  # (sent at, s from the phase's start; group; fan-out ms; ack ms)
    missing = 0
    for entry_id, (t_send, group, ack_ms) in phase.sent.items():
        acks[group].append(ack_ms)
        missing += len(members[group]) - got[entry_id]
        if got[entry_id] == len(members[group]):
            fanout[group].append((last[entry_id] - t_send) * 1000)
            timeline.append((round(t_send - t0, 3), group, round(fanout[group][-1], 1),
                             round(ack_ms, 1)))
    staff_missing = [len(set(phase.sent) - s) for s in seen_by_staff]
    return {"kind": kind, "entries": len(phase.sent), "refused": phase.refused,
            "similar_resent": phase.similar_resent, "wall": wall, "cpu": cpu,
            "client_cpu": client_cpu, "fanout": dict(fanout), "acks": dict(acks),
            "missing": missing, "foreign": foreign, "foreign_examples": foreign_examples,
            "unknown": unknown, "staff_missing": staff_missing,
            "other_types": dict(other_types), "timeline": sorted(timeline),
            "holes": (sum(p.holes for p in phones), sum(p.holes for p in staff_socks)),
            "behind": (sum(p.behind for p in phones), sum(p.behind for p in staff_socks)),
            "late": phase.late_sends, "rss": lc.rss_mib(pid),
            "closed": sum(1 for s in phones if s.closed_at is not None),
            "load": harness.machine_line()}


async def run(args) -> None:
    soft, hard = lc.raise_nofile()
    n_phones = args.groups * args.per_group
    print(f"benchmark process: RLIMIT_NOFILE soft {soft}, hard {hard}")
    print(f"machine: {harness.machine_line()}")
    print(f"code: {harness.git_head()}")
    print(f"command: {harness.command_line()}", flush=True)
    conn = lc.connector()
    results = []
    setup = {}
    with harness.workdir() as tmp:
        server = harness.Server(tmp)
        server.start()
        try:
            pid = server.process.pid
            workshop, code = server.sample(EMAIL, PASSWORD, until="confirm")
            staff = await lc.sign_in(server.url, conn, EMAIL, PASSWORD)
            await set_priority_count(staff, workshop, args.groups)
            t = time.perf_counter()
            browsers = await lc.join_many(server.url, conn, code, n_phones)
            setup["join"] = time.perf_counter() - t
            async with aiohttp.ClientSession(connector=conn, connector_owner=False) as http:
                console, projector = (
                    PhoneSocket(base=server.url, cookie=staff.cookie_header(),
                                auth={"workshop": workshop, "view": view}, keep_data=set(),
                                name=view) for view in ("console", "projector"))
                phones = [PhoneSocket(base=server.url, cookie=b.cookie_header(),
                                      auth={"workshop": workshop, "view": "phone"},
                                      keep_data=set(), name=f"Phone {i}")
                          for i, b in enumerate(browsers)]
                t = time.perf_counter()
                errors = await lc.connect_many([console, projector, *phones], http)
                setup["connect"] = time.perf_counter() - t
                assert not errors, errors[:3]

                # the facilitator: confirm G priorities, enter Step 3, put everyone in a group
                snap = await console.sync()
                chosen = [row["theme"]["id"] for row in snap["priorities"]["results"]
                          ][:args.groups]
                await ok(console, "priorities.confirm", {"theme_ids": chosen})
                t = time.perf_counter()
                await move(console, "confirm", "objectives")
                setup["enter"] = time.perf_counter() - t
                snap = await console.sync()
                groups = [g["id"] for g in snap["groups"]["list"] if not g["retired"]]
                assert len(groups) == args.groups, snap["groups"]["list"]
                ids = {p["name"]: p["id"] for p in snap["participants"]["list"]}
                t = time.perf_counter()
                proposal = await ok(console, "groups.propose", {}, query=True)
                setup["propose"] = time.perf_counter() - t
                setup["people"] = len(proposal["assignments"])
                assignments = [{"participant_id": ids[f"Phone {i}"],
                                "group_id": groups[i % args.groups]} for i in range(n_phones)]
                others = sorted(pid_ for name, pid_ in ids.items()
                                if not name.startswith("Phone "))
                assignments += [{"participant_id": p, "group_id": groups[i % args.groups]}
                                for i, p in enumerate(others)]
                t = time.perf_counter()
                await ok(console, "groups.assign", {"assignments": assignments})
                setup["assign_ack"] = time.perf_counter() - t
                deadline = time.perf_counter() + 60
                while (any(p.sync_task is None or not p.sync_task.done() for p in phones)
                       and time.perf_counter() < deadline):
                    await asyncio.sleep(0.1)
                setup["assign_synced"] = time.perf_counter() - t
                for p in phones:
                    p.sync_task.result()  # raises what a sync raised
                for i, p in enumerate(phones):
                    assert p.group_id == groups[i % args.groups], (i, p.group_id)
                setup["resyncs"] = sum(p.resyncs for p in phones)
                await console.sync()
                await projector.sync()
                await asyncio.sleep(1.0)

                idle_cpu0, t = lc.cpu_seconds(pid), time.perf_counter()
                await asyncio.sleep(args.idle)
                setup["idle_cpu_rate"] = (lc.cpu_seconds(pid) - idle_cpu0) / (
                    time.perf_counter() - t)
                setup["rss_before"] = lc.rss_mib(pid)
                print(f"set-up: {n_phones} phones joined in {setup['join']:.1f} s, connected "
                      f"in {setup['connect']:.1f} s; in {args.groups} groups of "
                      f"{args.per_group}; idle server CPU "
                      f"{setup['idle_cpu_rate'] * 1000:.0f} ms/s", flush=True)

                mine = [{kind: [] for kind in KINDS} for _ in phones]
                stage = "objectives"
                plan = [("objective", args.objectives), ("actor", args.actors),
                        ("action", args.actions)]
                for kind, count in plan:
                    if count <= 0:
                        break
                    target = STAGES[kind]
                    if stage != target:
                        await move(console, stage, f"{stage}_synthesis")
                        await move(console, f"{stage}_synthesis", target)
                        stage = target
                        await asyncio.sleep(1.0)
                    r = await run_phase(Phase(kind, count, args.interval), phones,
                                        [console, projector], pid, mine)
                    results.append(r)
                    all_fan = [x for v in r["fanout"].values() for x in v]
                    print(f"{kind}s: {r['entries']} in {r['wall']:.1f} s; fan-out ms "
                          f"{three(all_fan)}; foreign {r['foreign']}; missing "
                          f"{r['missing']}; CPU {r['cpu'] / max(1, r['entries']) * 1000:.1f}"
                          f" ms an entry; {r['load']}", flush=True)
                alive = server.alive()
                await lc.close_all([console, projector, *phones])
            for b in [*browsers, staff]:
                await b.close()
        finally:
            server.stop()
            log = server.keep_log("groups_editing")
        problems, first_problems = server.log_problems(limit=20)
    await conn.close()
    report(args, setup, results, alive, problems, first_problems, log)
    if args.timeline:
        import json

        with open(args.timeline, "w") as out:
            for r in results:
                for row in r["timeline"]:
                    out.write(json.dumps([r["kind"], *row]) + "\n")
        print(f"timeline of every entry written to {args.timeline}")


def report(args, setup, results, alive, problems, first_problems, log) -> None:
    rate = args.groups * args.per_group / args.interval
    print()
    print(f"== Step 3: {args.groups} groups of {args.per_group} phones, each phone adds "
          f"{args.objectives} objectives, {args.actors} actors, {args.actions} action(s), "
          f"one every {args.interval:g} s ({rate:.0f} entries/s in all)")
    print(f"set-up: join {setup['join']:.1f} s; connect {setup['connect']:.1f} s; "
          f"stage.change into objectives (forms {args.groups} groups) "
          f"{setup['enter'] * 1000:.0f} ms; groups.propose for {setup['people']} people "
          f"{setup['propose'] * 1000:.0f} ms; groups.assign ack "
          f"{setup['assign_ack'] * 1000:.0f} ms, every phone resynced into its group "
          f"{setup['assign_synced']:.1f} s ({setup['resyncs']} resyncs); server idle CPU "
          f"{setup['idle_cpu_rate'] * 1000:.0f} ms/s; RSS {setup['rss_before']:.0f} MiB")
    print()
    print("| entries | group | fan-out to the group's last phone, median / p95 / max ms | "
          "ack median / p95 / max ms |")
    print("| --- | --- | --- | --- |")
    for r in results:
        for n, group in enumerate(sorted(r["fanout"]), start=1):
            print(f"| {r['kind']}s | {n} | {three(r['fanout'][group])} | "
                  f"{three(r['acks'][group])} |")
        all_fan = [x for v in r["fanout"].values() for x in v]
        all_ack = [x for v in r["acks"].values() for x in v]
        print(f"| {r['kind']}s | **all** | **{three(all_fan)}** | **{three(all_ack)}** |")
    print()
    print("| entries | added | foreign frames | not delivered (phones; console, projector) "
          "| server CPU an entry (raw; minus idle) | wall | benchmark CPU | send late, "
          "median / max ms | RSS | dropped sockets |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        n = max(1, r["entries"])
        net = r["cpu"] - setup["idle_cpu_rate"] * r["wall"]
        print(f"| {r['kind']}s | {r['entries']} | {r['foreign']} | {r['missing']}; "
              f"{', '.join(map(str, r['staff_missing']))} | {r['cpu'] / n * 1000:.1f}; "
              f"{net / n * 1000:.1f} ms | {r['wall']:.1f} s | {r['client_cpu']:.1f} s | "
              f"{statistics.median(r['late']):.0f} / {max(r['late']):.0f} | "
              f"{r['rss']:.0f} MiB | {r['closed']} |")
    for r in results:
        print(f"{r['kind']}s: stream check (docs/protocol.md): holes (prev past the last "
              f"seq applied) phones {r['holes'][0]}, console+projector {r['holes'][1]}; "
              f"events behind the stream's head phones {r['behind'][0]}, console+projector "
              f"{r['behind'][1]}")
        stalled = sum(1 for _t, _g, fan, ack in r["timeline"] if ack - fan >= 30)
        print(f"{r['kind']}s: acks read 30 ms or more after the group's last frame: "
              f"{stalled} of {len(r['timeline'])}")
        if r["other_types"]:
            print(f"{r['kind']}s: other frames the phones read meanwhile: {r['other_types']}")
        if r["refused"] or r["similar_resent"] or r["unknown"] or r["foreign_examples"]:
            print(f"{r['kind']}s: refused {len(r['refused'])} {r['refused'][:3]}; "
                  f"similar_actor then distinct {r['similar_resent']}; frames of unknown "
                  f"entries {r['unknown']}; foreign examples {r['foreign_examples']}")
    print(f"server alive at the end: {alive}; server log: {problems} lines look like "
          f"trouble (kept in {log.relative_to(harness.ROOT)})")
    for line in first_problems:
        print(f"  | {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--per-group", type=int, default=40)
    parser.add_argument("--objectives", type=int, default=3, help="a phone's objectives")
    parser.add_argument("--actors", type=int, default=2, help="a phone's actors")
    parser.add_argument("--actions", type=int, default=1, help="a phone's actions")
    parser.add_argument("--interval", type=float, default=8.0,
                        help="seconds between two entries of one phone")
    parser.add_argument("--idle", type=float, default=5.0,
                        help="seconds of idle server CPU measured before the phases")
    parser.add_argument("--timeline", metavar="FILE",
                        help="write every entry's (kind, sent at, group, fan-out ms, ack ms) "
                             "as JSON lines")
    args = parser.parse_args()
    # bounded: at most 10 groups (the settings' maximum), 1,000 phones, a board's 200
    # entries of a kind, and about 4 minutes of phases
    args.groups = max(2, min(args.groups, 10))
    args.per_group = max(1, min(args.per_group, 1000 // args.groups))
    cap = 200 // args.per_group
    args.objectives = min(args.objectives, cap)
    args.actors = min(args.actors, cap, 8)
    args.actions = min(args.actions, cap)
    args.interval = max(0.5, args.interval)
    if (args.objectives + args.actors + args.actions) * args.interval > 240:
        parser.error("the phases would take more than 4 minutes: fewer entries or a "
                     "shorter interval")
    args.idle = min(max(args.idle, 1.0), 30.0)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
