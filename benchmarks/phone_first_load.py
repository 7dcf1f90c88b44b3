"""What a phone downloads the first time it opens the workshop page, in French and in
Arabic: the sum of the encoded (over-the-wire) sizes of every HTTP response, headers
included, from an empty cache until the page is connected and its fonts are loaded.
Then the same page again with that cache, to show what a reload still fetches.
Talks to 127.0.0.1 only.

    .venv/bin/python benchmarks/phone_first_load.py

Starts the real server (eventlet, subprocess) on a fresh database with the sample
seminar at the ideas stage (its cards on the wall), joins through the real join form in
Chromium, then opens /w/<id> in a fresh browser context that has only the join cookie.
WebSocket frames are counted apart: they are the live data, not the page.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import LiveServer  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True}


def load(context, url: str) -> dict:
    """Open url in a new page of context; the responses it fetched over the network."""
    page = context.new_page()
    rows, failed, ws_bytes = [], [], [0]

    def finished(request):
        response = request.response()
        if response is None or response.from_service_worker:
            return
        sizes = request.sizes()
        rows.append({"url": request.url, "status": response.status,
                     "type": request.resource_type,
                     "encoding": response.headers.get("content-encoding", ""),
                     "cache": response.headers.get("cache-control", ""),
                     "body": sizes["responseBodySize"],
                     "headers": sizes["responseHeadersSize"]})

    def websocket(ws):
        ws.on("framereceived", lambda payload: ws_bytes.__setitem__(
            0, ws_bytes[0] + len(payload if isinstance(payload, bytes) else payload.encode())))

    page.on("requestfinished", finished)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("websocket", websocket)
    page.goto(url)
    page.locator("[data-connection][data-status=online]").wait_for(timeout=20_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    page.close()
    # a response served from the memory or disk cache has a body size of 0 on the wire
    fetched = [r for r in rows if r["body"] > 0 or r["status"] != 200]
    return {"rows": fetched, "failed": failed, "ws": ws_bytes[0],
            "total": sum(r["body"] + r["headers"] for r in fetched)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true", help="list every response")
    parser.add_argument("--gzip-only", action="store_true",
                        help="offer gzip and deflate only, as browsers do over plain HTTP "
                             "on a venue network (127.0.0.1 counts as secure: zstd, br)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server = LiveServer(Path(tmp))
        server.start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            workshop_id, code = server.sample("bench@example.org", "bench-password",
                                              until="ideas")
            joining = browser.new_context(**PHONE)
            page = joining.new_page()
            page.goto(f"{server.url}/j/{code}")
            page.fill("input[name=name]", "Benchmark phone")
            page.select_option("select[name=profile]", index=1)
            page.check("input[name=consent]")
            page.click("button[type=submit]")
            page.wait_for_url("**/w/*")
            cookies = [c for c in joining.cookies() if c["name"] != "lang"]
            joining.close()
            for lang in ("fr", "ar"):
                headers = {"Accept-Encoding": "gzip, deflate"} if args.gzip_only else {}
                context = browser.new_context(**PHONE, extra_http_headers=headers)
                context.add_cookies(cookies)
                url = f"{server.url}/w/{workshop_id}?lang={lang}"
                first = load(context, url)
                again = load(context, url)
                context.close()
                print(f"{lang}: first load {first['total'] / 1024:.1f} KiB "
                      f"({first['total']} bytes) in {len(first['rows'])} responses; "
                      f"WebSocket frames {first['ws'] / 1024:.1f} KiB; "
                      f"again with the cache: {again['total'] / 1024:.1f} KiB "
                      f"in {len(again['rows'])} responses; failed: {first['failed'] or 'none'}")
                if args.verbose:
                    for r in first["rows"] + [dict(r, url="(again) " + r["url"]) for r in again["rows"]]:
                        print(f"    {r['body'] + r['headers']:>7}  {r['status']} "
                              f"{r['encoding'] or '-':<5} {r['cache'] or '-':<28} "
                              f"{r['url'].replace(server.url, '')}")
        finally:
            browser.close()
            server.stop()


if __name__ == "__main__":
    main()
