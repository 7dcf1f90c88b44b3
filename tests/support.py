"""Helpers shared by the tests: the subprocess server, where artifacts go, and the
browser pages (their sizes, joining, signing in, what every screen is checked for)."""
from __future__ import annotations

import os
import re
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from flask import g
from flask.testing import FlaskClient

from tests.databases import drop_database, new_database

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """What the tests do to a running app through its command line: `self.env` says
    which database, message queue and instance it uses."""

    env: dict[str, str]

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """Run a `flask` CLI command against this server's database."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "facilitator", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done

    def sample(self, email: str, password: str, name: str | None = None,
               until: str = "welcome") -> tuple[int, str]:
        """The sample seminar filled up to the stage `until` (participants only by
        default), and its facilitator's account, named `name` (made first, a command
        more) or "Sample Facilitator"; returns (workshop id, join code)."""
        if name is not None:
            self.flask("create-facilitator", "--email", email, "--name", name,
                       "--password", password)
        out = self.flask("sample", "--email", email, "--password", password,
                         "--until", until).stdout
        workshop_id, code = re.search(r"Sample workshop (\d+) .* join code (\w+)", out).groups()
        return int(workshop_id), code


class LiveServer(Served):
    """`python wsgi.py` on 127.0.0.1:<free port>, its database (SQLite or PostgreSQL, see
    tests/databases.py) made by the migrations."""

    def __init__(self, workdir: Path, async_mode: str = "eventlet", **settings: str):
        """settings: more environment for the server (BACKUP_POLL_SECONDS="0.5")."""
        self.workdir = workdir
        self.database_url = new_database(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.env = {
            **os.environ,
            "FACILITATOR_CONFIG": "venue",
            "FACILITATOR_INSTANCE": str(workdir / "instance"),
            "DATABASE_URL": self.database_url,
            "SOCKETIO_ASYNC_MODE": async_mode,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "PLAN_RENDER_AHEAD": "0",  # renders cost seconds of CPU: asked for, not ahead
            **settings,
        }
        self.process: subprocess.Popen | None = None

    def start(self, open_files: int | None = None) -> None:
        """Start the server; `open_files` sets its RLIMIT_NOFILE (soft and hard) first,
        like a shell's `ulimit -n`."""
        self.flask("db", "upgrade")
        self._log = open(self.log_path, "w")

        def limit() -> None:
            if open_files is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

        self.process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=self.env,
            stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=limit,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz:\n{self.log_path.read_text()}")

    def stop(self, keep_database: bool = False) -> None:
        """Stop the server; its database goes too unless kept (to start it again)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()
        if not keep_database:
            drop_database(self.database_url)


# --- the browsers: what a phone, a laptop and a projector are ---------------------------

PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 820}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


# --- what every screen is checked for ---------------------------------------------------

AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} @ ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
}"""

# What a screen that must fit (the projector) shows of itself that a person cannot read:
# the page scrolling, anything past the window's edges, and anything cut by a box that
# hides its overflow (a card half under the bottom of the wall, a title's top cut off).
_FIT = """() => {
  SCREEN
  const doc = document.documentElement;
  const name = (node) => `${node.tagName.toLowerCase()}.${node.className}`;
  const clips = (node) => /hidden|clip|auto|scroll/.test(getComputedStyle(node).overflowX + getComputedStyle(node).overflowY);
  if (doc.scrollHeight > h + 1) out.push(`page ${doc.scrollHeight}px high`);
  if (doc.scrollWidth > w + 1) out.push(`page ${doc.scrollWidth}px wide`);
  for (const node of document.querySelectorAll("main *")) {
    if (!node.getClientRects().length) continue;
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.bottom > h + 1 || r.right > w + 1 || r.left < -1) {
      out.push(`${name(node)} ${Math.round(r.left)},${Math.round(r.top)}-${Math.round(r.right)},${Math.round(r.bottom)}`);
      continue;
    }
    let box = node.parentElement;
    while (box && box !== document.body && !clips(box)) box = box.parentElement;
    if (!box || box === document.body) continue;
    const b = box.getBoundingClientRect();
    if (r.bottom > b.bottom + 1 || r.right > b.right + 1 || r.left < b.left - 1 || r.top < b.top - 1) {
      out.push(`${name(node)} ${Math.round(r.top)}-${Math.round(r.bottom)} cut by ${name(box)} ${Math.round(b.top)}-${Math.round(b.bottom)}`);
    }
  }
  return out.slice(0, 8);
}"""
# A projector's screen is its window.
OVERFLOW = _FIT.replace("SCREEN", "const w = window.innerWidth, h = window.innerHeight, out = [];")
# A phone scrolls: its whole page is the screen, as wide as the phone. On a mobile browser
# the window grows to what is too wide (window.innerWidth follows it) and the screen does
# not: the width is the root's client width.
PHONE_FIT = _FIT.replace("SCREEN", "window.scrollTo(0, 0);\n  const w = document.documentElement.clientWidth, "
                         "h = Math.max(window.innerHeight, document.documentElement.scrollHeight), out = [];")


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical findings on the page (WCAG 2.1 A and AA)."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;Boolean(window.axe)")
    return page.evaluate(AXE_RUN)


def sign_in_page(page, base: str, email: str, password: str) -> None:
    """Sign a browser page in as a facilitator, through the real login form."""
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/workshops/")


def open_room_screens(laptop, base: str, workshop_id: int, email: str, password: str,
                      projector_query: str = "", timeout: int = 20_000):
    """A signed-in console (1440×900, in English) and the projector at 1920×1080 and
    1280×720, each connected, from one browser context."""
    console = laptop.new_page()
    sign_in_page(console, base, email, password)
    console.goto(f"{base}/workshops/{workshop_id}/console?lang=en")
    console.locator("[data-connection][data-status=online]").wait_for(timeout=timeout)
    projectors = []
    for width, height in ((1920, 1080), (1280, 720)):
        page = laptop.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{base}/workshops/{workshop_id}/projector{projector_query}")
        page.locator("[data-connection][data-status=online]").wait_for(timeout=timeout)
        projectors.append(page)
    return console, projectors


def join_page(page, base: str, code: str, name: str, lang: str | None = None,
              timeout: int = 15_000) -> None:
    """Join a workshop from a browser page through the real join form (in `lang`, or the
    browser's language), and wait until the phone is connected."""
    page.goto(f"{base}/j/{code}" + (f"?lang={lang}" if lang else ""))
    page.fill("input[name=name]", name)
    page.select_option("select[name=profile]", index=1)
    page.check("input[name=consent]")
    page.click("button[type=submit]")
    page.locator("[data-connection][data-status=online]").wait_for(timeout=timeout)


def phone_page(context, base: str, code: str, name: str, lang: str | None = None):
    """A new page of the browser `context` that joined the workshop (join_page)."""
    page = context.new_page()
    join_page(page, base, code, name, lang, timeout=20_000)
    return page


class Cluster(Served):
    """`scripts/cluster.sh` in a folder of its own: PostgreSQL, Redis, the app processes
    (nodes a, b) and nginx in front on 127.0.0.1:<free port>."""

    def __init__(self, workdir: Path):
        """workdir: a folder the PostgreSQL server's user can reach (when the tests run as
        root the server runs as `postgres`), such as one made by tempfile.mkdtemp()."""
        self.workdir = workdir
        workdir.chmod(0o755)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env: dict[str, str] = {}

    def _script(self, command: str) -> str:
        env = {**os.environ, "PORT": str(self.port), "HOST": "127.0.0.1",
               "PUBLIC_URL": self.url, "CLUSTER_FAST": "1"}
        done = subprocess.run(["scripts/cluster.sh", command, str(self.workdir)], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"cluster.sh {command} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> None:
        """Start whatever is not running (a killed app process comes back)."""
        self._script("start")
        settings = dict(line.split("=", 1) for line in
                        (self.workdir / "environment").read_text().splitlines() if line)
        self.env = {**os.environ, **settings,
                    "SECRET_KEY": (self.workdir / "secret_key").read_text().strip()}

    def stop(self) -> None:
        self._script("stop")

    def node_url(self, node: str) -> str:
        """One app process's own address, behind nginx's back."""
        ports = dict(line.split("=", 1) for line in
                     (self.workdir / "ports").read_text().splitlines() if line)
        return f"http://127.0.0.1:{ports[f'app-{node}']}"

    def kill(self, node: str) -> None:
        """kill -9 one app process, as a crash would."""
        pid = int((self.workdir / f"app-{node}.pid").read_text())
        os.kill(pid, 9)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:  # gone, or a zombie waiting for its new parent to reap it
                if Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z":
                    return
            except (FileNotFoundError, IndexError):
                return
            time.sleep(0.05)


class Browser(FlaskClient):
    """A browser of its own: each request starts with an empty `g`, as when served. (The
    app fixture keeps one app context for the whole test, whose `g` would otherwise carry
    who is signed in, or a screen's language, from one client's request to the next.)"""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


def login(client, email: str, password: str):
    """Sign a test client in through the real form; the test stops if it is refused."""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
