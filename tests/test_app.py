"""The foundation as a user meets it: pages in three languages, safe headers, health."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from flask import request
from flask_migrate import upgrade

from config import ProductionConfig, VenueConfig
from facilitator import create_app, joining
from facilitator.live import operations
from facilitator.people import accounts
from tests import databases
from tests.support import ROOT


@pytest.fixture
def installed(app):
    """An installation past its first run: a facilitator account exists."""
    operations.run(accounts.create_facilitator, "first@example.org", "First",
                   "first-password")


def test_a_new_installation_opens_on_the_first_run_page(client):
    assert client.get("/").headers["Location"] == "/setup"
    assert client.get("/login").headers["Location"] == "/setup"
    page = client.get("/setup?lang=fr").get_data(as_text=True)
    assert 'lang="fr"' in page and "Créer le premier compte animateur" in page
    made = client.post("/setup", data={"name": "Lea", "email": "lea@example.org",
                                       "password": "long-enough"})
    assert made.headers["Location"] == "/workshops/new"
    client.post("/logout")
    assert client.get("/").status_code == 200
    assert client.get("/setup").status_code == 404


@pytest.mark.usefixtures("installed")
def test_home_page_in_english_by_default(client):
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="en"' in page and 'dir="ltr"' in page
    assert "Run your strategy seminar live" in page


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize(
    "lang, direction, heading",
    [("fr", "ltr", "Animez votre séminaire stratégique en direct"),
     ("ar", "rtl", "أدِر ندوتك الاستراتيجية مباشرةً")],
)
def test_home_page_translated(client, lang, direction, heading):
    response = client.get(f"/?lang={lang}")
    page = response.get_data(as_text=True)
    assert f'lang="{lang}"' in page and f'dir="{direction}"' in page
    assert heading in page
    # the choice is remembered for the next page
    assert f"lang={lang}" in response.headers["Set-Cookie"]
    assert f'lang="{lang}"' in client.get("/").get_data(as_text=True)


@pytest.mark.usefixtures("installed")
def test_browser_language_is_followed(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert 'lang="fr"' in page


@pytest.mark.usefixtures("installed")
def test_unknown_language_falls_back(client):
    page = client.get("/?lang=xx", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="en"' in page


@pytest.mark.usefixtures("installed")
def test_content_security_policy_forbids_inline_script(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script_src.strip() == "'self'"
    assert "unsafe-inline" not in policy and "http" not in policy.replace("https", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # no executable inline script on the page: every <script> has a src or is JSON data
    for tag in re.findall(r"<script[^>]*>", response.get_data(as_text=True)):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_healthz_reports_the_database_and_the_process(client):
    """An operator behind nginx sees which process answered (host:pid)."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok",
                             "database": {"ok": True, "dialect": databases.dialect()},
                             "process": f"{socket.gethostname()}:{os.getpid()}"}


def test_healthz_says_when_the_database_is_down(tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"]["ok"] is False


def test_front_end_packages_are_served_by_the_app(client):
    script = client.get("/vendor/socket.io.min.js")
    assert script.status_code == 200 and b"socket.io" in script.data[:2000].lower()
    font = client.get("/vendor/fonts/noto-sans-arabic-arabic-400-normal.woff2")
    assert font.status_code == 200 and font.data[:4] == b"wOF2"
    assert client.get("/vendor/../package.json").status_code == 404
    assert client.get("/vendor/fonts/../../package.json").status_code == 404
    assert client.get("/vendor/not-a-file.js").status_code == 404


@pytest.mark.usefixtures("installed")
def test_pages_load_nothing_from_outside(client):
    page = client.get("/").get_data(as_text=True)
    css = client.get("/static/css/app.css").get_data(as_text=True)
    for text in (page, css):
        assert not re.search(r"""(src|href|url)\(?\s*=?\s*["']?https?://""", text)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    class NoKey(ProductionConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoKey)


def test_venue_secret_key_survives_a_restart(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)

    class Venue(VenueConfig):
        SECRET_KEY = None

    first = create_app(Venue, SOCKETIO_ASYNC_MODE="threading").config["SECRET_KEY"]
    second = create_app(Venue, SOCKETIO_ASYNC_MODE="threading").config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("public_url, secure", [
    (None, False), ("http://192.168.1.20:5000", False), ("https://seminar.example.org", True)])
def test_venue_cookies_are_secure_only_over_https(public_url, secure):
    app = create_app(VenueConfig, SECRET_KEY="k", PUBLIC_URL=public_url,
                     SOCKETIO_ASYNC_MODE="threading")
    assert app.config["SESSION_COOKIE_SECURE"] is secure


def _start_refused(tmp_path, **environment) -> subprocess.CompletedProcess:
    """`python wsgi.py` with these settings, expected to refuse to start."""
    env = {**os.environ, "FACILITATOR_INSTANCE": str(tmp_path), "HOST": "127.0.0.1",
           "PORT": "1", **environment}
    return subprocess.run([sys.executable, "wsgi.py"], cwd=ROOT, env=env, timeout=60,
                          capture_output=True, text=True)


@pytest.mark.parametrize("environment, sentence", [
    ({"DATABASE_URL": "postgresql+psycopg://u:p@127.0.0.1/db"},
     "Write the URL as postgresql://user:password@host/db"),
    ({"SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6399/0"},
     "Set RATELIMIT_STORAGE_URI to the same Redis"),
    ({"FACILITATOR_NODE": "Node A"}, "FACILITATOR_NODE must be"),
    ({"FACILITATOR_CONFIG": "production", "SECRET_KEY": "k" * 32, "PUBLIC_URL": ""},
     "PUBLIC_URL is not set"),
])
def test_a_setting_the_server_cannot_run_with_is_refused_in_a_sentence(
        tmp_path, environment, sentence):
    """psycopg 3 would freeze every socket while a query waits; counters kept in each
    process's memory would count alone in a cluster; a node name nginx cannot route."""
    refused = _start_refused(tmp_path, **environment)
    assert refused.returncode == 1
    assert sentence in refused.stderr and "Traceback" not in refused.stderr


def test_the_join_link_is_the_servers_whoever_asks():
    """No request needed (a capability, the sample, a snapshot built for a socket): the
    configured address, else this laptop's on the venue network at the port it serves."""
    app = create_app("test", SERVER_PORT=5123)
    with app.app_context():
        assert joining.join_url("ABC234") == \
            f"http://{joining.lan_address() or '127.0.0.1'}:5123/j/ABC234"
        app.config["PUBLIC_URL"] = "https://seminar.example.org/"
        assert joining.join_url("ABC234") == "https://seminar.example.org/j/ABC234"


def test_a_plain_postgresql_url_means_psycopg2():
    app = create_app("test", SQLALCHEMY_DATABASE_URI="postgresql://u:p@127.0.0.1:5432/db")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg2://u:p@127.0.0.1:5432/db"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] >= 10


@pytest.mark.parametrize("proxies, address", [(1, "10.1.2.3"), (0, "127.0.0.1")])
def test_behind_a_proxy_the_client_address_is_the_forwarded_one(proxies, address):
    """With PROXY_COUNT=1 the guess limits count each phone, not nginx; without a proxy
    the header is anyone's to write, so it is not trusted."""
    app = create_app("test", PROXY_COUNT=proxies)

    @app.get("/who")
    def who():
        return request.remote_addr

    seen = app.test_client().get("/who", headers={"X-Forwarded-For": "10.1.2.3"},
                                 environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen.get_data(as_text=True) == address


def test_the_remember_me_cookie_is_lax_http_only_short_lived_and_secure_over_https(tmp_path):
    app = create_app(VenueConfig, SECRET_KEY="k", PUBLIC_URL="https://seminar.example.org",
                     SOCKETIO_ASYNC_MODE="threading", WTF_CSRF_ENABLED=False,
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/cookies.db")
    with app.app_context():
        upgrade()
        operations.run(accounts.create_facilitator, "lea@example.org", "Lea", "long-enough")
        signed_in = app.test_client().post(
            "/login", data={"email": "lea@example.org", "password": "long-enough"},
            base_url="https://seminar.example.org")
    remember = next(c for c in signed_in.headers.getlist("Set-Cookie")
                    if c.startswith("remember_token="))
    assert "SameSite=Lax" in remember and "HttpOnly" in remember and "Secure" in remember
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))
    assert timedelta(days=13) < expires - datetime.now(timezone.utc) <= timedelta(days=14)


@pytest.mark.usefixtures("installed")
def test_pages_holding_peoples_data_are_kept_by_no_cache(client):
    client.post("/login", data={"email": "first@example.org", "password": "first-password"})
    made = client.post("/workshops/new", data={"title": "Tunis", "language": "en"})
    workshop = made.headers["Location"].split("/")[2]
    for private in (f"/workshops/{workshop}/edit", f"/workshops/{workshop}/console",
                    f"/workshops/{workshop}/export.json", "/workshops/"):
        assert client.get(private).headers["Cache-Control"] == "private, no-store", private
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


@pytest.mark.parametrize("language, words", [("en", "This page does not exist"),
                                             ("fr", "Cette page n’existe pas"),
                                             ("ar", "هذه الصفحة غير موجودة")])
def test_a_page_that_is_not_there_says_so_in_the_persons_language(client, language, words):
    gone = client.get("/w/999999", headers={"Accept-Language": language})
    assert gone.status_code == 404 and words in gone.get_data(as_text=True)
