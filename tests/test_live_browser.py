"""The reference client (static/js/core/live.js) in Chromium: an event lost on the way is
noticed at the next event of its stream and fetched again with `sync`.

Playwright runs the WebSocket route's handlers only while the test is inside a
Playwright call, so the test polls with page.wait_for_timeout, never time.sleep."""
from __future__ import annotations

import re
import time

import pytest

from tests.clients import Live, join
from tests.support import join_page

pytestmark = [pytest.mark.live, pytest.mark.browser]
EMAIL, PASSWORD = "holes@example.org", "holes-password"
LOST, NEXT = "A card whose event is lost on the way", "The next card, which shows the hole"


def test_a_lost_event_is_noticed_and_fetched_again(phone, live_server):
    workshop_id, code = live_server.sample(EMAIL, PASSWORD, until="ideas")
    dropped, syncs = [], []
    timeline = []  # what passed the route, in order: "dropped", "next", "sync"

    def route(ws):
        server = ws.connect_to_server()

        def from_server(message):
            if isinstance(message, str) and LOST in message and not dropped:
                dropped.append(message)  # this event never reaches the page
                timeline.append("dropped")
                return
            if isinstance(message, str) and NEXT in message:
                timeline.append("next")
            ws.send(message)

        def from_page(message):
            if isinstance(message, str) and '"sync"' in message:
                syncs.append(message)
                timeline.append("sync")
            server.send(message)

        server.on_message(from_server)
        ws.on_message(from_page)

    page = phone.new_page()
    page.route_web_socket(re.compile(r".*/socket\.io/.*"), route)
    join_page(page, live_server.url, code, "Watching Phone")
    deadline = time.monotonic() + 10
    while not syncs and time.monotonic() < deadline:  # the socket is on the WebSocket
        page.wait_for_timeout(100)
    syncs_before = len(syncs)

    author = Live(live_server.url, join(live_server.url, code, "Author Phone", "Ministry"),
                  workshop_id, "phone").connect()
    try:
        assert author.call("idea.post", {"text": LOST, "kind": "idea"})["ok"]
        deadline = time.monotonic() + 10
        while not dropped and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert dropped, "the test dropped the event on its way to the page"
        assert page.get_by_text(LOST).count() == 0  # lost, and nothing says so yet
        assert author.call("idea.post", {"text": NEXT, "kind": "idea"})["ok"]
        page.get_by_text(NEXT).first.wait_for(timeout=10_000)
        page.get_by_text(LOST).first.wait_for(timeout=10_000)
        assert len(syncs) > syncs_before  # fetched again with a sync, not a reload
        # and only once the next event had shown the hole: no sync between the two
        since = timeline[timeline.index("dropped"):]
        assert "next" in since and "sync" not in since[:since.index("next")], timeline
        assert "sync" in since[since.index("next"):], timeline
    finally:
        author.disconnect()


def test_a_change_the_server_keeps_dropping_is_given_up_and_given_back(phone, live_server):
    """A change that is in flight each time the connection drops (as a message larger
    than the server reads would be) is given up after three tries, and the phone says
    so and gives the text back, instead of resending it for ever."""
    workshop_id, code = live_server.sample("dropped@example.org", "dropped-password",
                                           until="ideas")
    text = "A card the connection never lets through"
    posts = []

    def route(ws):
        server = ws.connect_to_server()

        def from_page(message):
            if isinstance(message, str) and '"idea.post"' in message and text in message:
                posts.append(message)
                ws.close()  # the connection drops while the card is on its way
                return
            server.send(message)

        ws.on_message(from_page)

    def polling(request_route):
        body = request_route.request.post_data or ""
        if '"idea.post"' in body and text in body:  # the same change, over long-polling
            posts.append(body)
            request_route.abort()
            return
        request_route.continue_()

    page = phone.new_page()
    page.clock.install()  # the page's timers, run on at will below
    page.route_web_socket(re.compile(r".*/socket\.io/.*"), route)
    page.route(re.compile(r".*/socket\.io/.*transport=polling.*"), polling)
    join_page(page, live_server.url, code, "Unlucky Phone")
    page.fill("textarea[name=text]", text)
    page.locator("[data-post-form] button[type=submit]").click()
    deadline = time.monotonic() + 60
    while len(posts) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert len(posts) == 3  # the same op_id, three times
    page.get_by_text("could not be sent and was given up").wait_for(timeout=20_000)
    assert page.input_value("textarea[name=text]") == text
    # twenty seconds of the page's timers (a resend waits 2 s, then 4, then 8), then a
    # card that goes through: had the page sent the change again, it would be before it
    page.clock.run_for(20_000)
    later = "A card written after, which goes through"
    page.fill("textarea[name=text]", later)
    page.locator("[data-post-form] button[type=submit]").click()
    page.locator("[data-my-cards] li:not(.waiting)").filter(has_text=later).wait_for(
        timeout=20_000)
    assert len(posts) == 3  # and never again
    assert len({re.search(r'"op_id":"([^"]+)"', p).group(1) for p in posts}) == 1
