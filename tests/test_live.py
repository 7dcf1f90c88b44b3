"""The real server (eventlet, subprocess) answers over HTTP and Socket.IO."""
from __future__ import annotations

import pytest
import requests
import socketio

pytestmark = pytest.mark.live


def test_server_answers_health_and_pages(live_server):
    health = requests.get(live_server.url + "/healthz", timeout=10)
    assert health.json()["database"]["ok"] is True
    page = requests.get(live_server.url + "/?lang=ar", timeout=10)
    assert 'dir="rtl"' in page.text
    assert "Content-Security-Policy" in page.headers


def test_socketio_client_connects_over_websocket(live_server):
    client = socketio.Client(reconnection=False)
    client.connect(live_server.url, transports=["websocket"], wait_timeout=10)
    try:
        assert client.connected and client.transport() == "websocket"
    finally:
        client.disconnect()
