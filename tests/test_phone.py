"""The phone's page on weak venue Wi-Fi, in-process: what it costs to download and how
long a browser may keep it; dates and a new workshop's language in the reader's locale."""
from __future__ import annotations

import gzip
import re
import zlib

import pytest

from facilitator import assets, workshops
from facilitator.live import operations
from tests.steps import phone_client


def linked(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/[^"?#]*)"', page)


def test_page_and_its_files_come_compressed_to_a_browser_that_accepts_it(app, workshop):
    client, phone_page = phone_client(app, workshop, "Rana"), f"/w/{workshop.id}"
    page = client.get(phone_page, headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.data).decode()
    assert "Rana" in html and len(page.data) < len(html.encode()) / 2
    assert "Accept-Encoding" in page.headers["Vary"]
    for url in linked(html):
        if url.endswith((".js", ".css")):
            response = client.get(url, headers={"Accept-Encoding": "deflate"})
            response.direct_passthrough = False
            assert response.headers["Content-Encoding"] == "deflate", url
            plain = client.get(url)
            plain.direct_passthrough = False
            assert zlib.decompress(response.get_data()) == plain.get_data()
    # a client that asks for nothing compressed gets plain text
    assert "Content-Encoding" not in client.get(phone_page).headers


def test_the_page_links_versioned_files_a_phone_keeps_for_a_year(app, workshop):
    client, phone_page = phone_client(app, workshop, "Rana"), f"/w/{workshop.id}"
    html = client.get(phone_page).get_data(as_text=True)
    version = app.config["ASSET_VERSION"]
    files = [url for url in linked(html) if url.endswith((".js", ".css", ".svg"))]
    assert any(u.endswith("socket.io.min.js") for u in files)
    assert any(u.endswith("app.css") for u in files)
    for url in files:
        assert url.startswith(f"/v/{version}/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response.cache_control
        assert cache.max_age >= 365 * 24 * 3600 and cache.immutable and not cache.no_cache, url
    # the page itself is never kept: it names the current version
    assert not client.get(phone_page).cache_control.max_age


def test_files_named_by_relative_urls_stay_in_the_version(app, client):
    """app.css names its fonts, and a module its imports, relative to itself."""
    version = app.config["ASSET_VERSION"]
    base = f"/v/{version}/static/css/app.css"
    css = client.get(base).get_data(as_text=True)
    fonts = re.findall(r'url\("([^"]+\.woff2)"\)', css)
    assert fonts and all(not f.startswith("/") for f in fonts)
    for font in fonts:
        # resolve as a browser would: ../../vendor/fonts/x from /v/V/static/css/
        url = f"/v/{version}/" + font.replace("../../", "", 1)
        response = client.get(url)
        assert response.status_code == 200 and response.data[:4] == b"wOF2", url
        assert response.cache_control.immutable
    dom = client.get(f"/v/{version}/static/js/core/dom.js").get_data(as_text=True)
    assert '"../../../vendor/idiomorph.esm.js"' in dom
    assert client.get(f"/v/{version}/vendor/idiomorph.esm.js").status_code == 200


def test_a_page_from_before_an_update_gets_files_it_does_not_keep(client):
    response = client.get("/v/0123456789ab/static/css/app.css")
    assert response.status_code == 200 and response.cache_control.no_cache
    assert not response.cache_control.immutable
    assert client.get("/v/0123456789ab/static/../config.py").status_code == 404


def test_the_version_changes_when_a_file_changes(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("one")
    lock = tmp_path / "lock.json"
    lock.write_text("{}")
    first = assets.asset_version(tmp_path, lock)
    assert assets.asset_version(tmp_path, lock) == first
    (tmp_path / "js" / "a.js").write_text("two")
    assert assets.asset_version(tmp_path, lock) != first
    second = assets.asset_version(tmp_path, lock)
    lock.write_text('{"v": 2}')
    assert assets.asset_version(tmp_path, lock) != second


def test_fonts_load_only_for_the_script_on_the_page(client):
    """The Arabic font's face covers Arabic only, so a page without Arabic text never
    fetches it; a French page's menu names Arabic in the system font."""
    css = client.get("/static/css/app.css").get_data(as_text=True)
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    assert len(faces) == 4
    for face in faces:
        assert "unicode-range" in face
        if "Arabic" in face:
            ranges = re.search(r"unicode-range:([^;]*);", face).group(1)
            assert "U+0000" not in ranges and "U+200" not in ranges


def test_the_scripts_strings_are_written_as_utf8(app, owner):
    """The strings handed to the scripts are Arabic letters, not \\uXXXX escapes, which
    took twice the bytes on an Arabic phone."""
    workshop = operations.run(workshops.create_workshop, owner,
                              {"title": "ندوة", "language": "ar"})
    client = phone_client(app, workshop, "سارة")
    page = client.get(f"/w/{workshop.id}").get_data(as_text=True)
    strings = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', page, re.S)
    assert "متصل" in strings.group(1) and "\\u0" not in strings.group(1)


@pytest.mark.parametrize("url", ["/vendor/socket.io.min.js", "/static/css/app.css"])
def test_an_unversioned_file_revalidated_is_not_sent_again(client, url):
    first = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    again = client.get(url, headers={"Accept-Encoding": "gzip, deflate",
                                     "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
