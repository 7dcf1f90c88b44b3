"""The real server (eventlet, subprocess) answers over HTTP and Socket.IO."""
from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.live


def test_server_answers_health_and_pages(live_server):
    health = requests.get(live_server.url + "/healthz", timeout=10)
    assert health.json()["database"]["ok"] is True
    page = requests.get(live_server.url + "/?lang=ar", timeout=10)
    assert 'dir="rtl"' in page.text
    assert "Content-Security-Policy" in page.headers


def test_socketio_serves_the_handshake_over_polling_and_websocket(live_server):
    handshake = requests.get(live_server.url + "/socket.io/?EIO=4&transport=polling", timeout=10)
    assert handshake.ok and '"upgrades":["websocket"]' in handshake.text
