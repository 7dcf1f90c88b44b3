"""How phones find a workshop: the join code, the join link, its QR code.

The link uses PUBLIC_URL when it is configured, else this laptop's address on the local
network (found from its interfaces, without sending anything) at the port it serves. It
is a setting of the server, never read from a request, so a capability, a snapshot and
the sample build the same link whoever asks.
"""
from __future__ import annotations

import fcntl
import io
import ipaddress
import secrets
import socket
import struct
from functools import lru_cache

import segno
from flask import current_app

# No 0/O, 1/I/L: a code read from a projector at the back of the room is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
REJOIN_CODE_LENGTH = 10  # 31^10 codes: guessing one is hopeless (docs/deploy.md)


def new_code(length: int = JOIN_CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(code: str) -> str:
    """Case-insensitive; spaces and dashes people add while typing are ignored."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t")[:12]


@lru_cache(maxsize=1)
def lan_address() -> str | None:
    """This machine's first private IPv4 address on a network interface, if any."""
    candidates = []
    for _index, name in socket.if_nameindex():
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                packed = fcntl.ioctl(sock.fileno(), 0x8915,  # SIOCGIFADDR
                                     struct.pack("256s", name[:15].encode()))
            address = ipaddress.ip_address(socket.inet_ntoa(packed[20:24]))
        except OSError:
            continue
        if not address.is_loopback and not address.is_link_local:
            candidates.append(address)
    candidates.sort(key=lambda a: (not a.is_private, str(a)))
    return str(candidates[0]) if candidates else None


def base_url() -> str:
    """PUBLIC_URL, else http://<LAN address>:<SERVER_PORT> (wsgi.py sets the port it
    serves; a laptop on no network: 127.0.0.1)."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    return f"http://{lan_address() or '127.0.0.1'}:{current_app.config['SERVER_PORT']}"


def path_of(endpoint: str, **values) -> str:
    """A page's path built from the app's routes alone (no request needed)."""
    return current_app.url_map.bind("").build(endpoint, values)


def join_url(join_code: str) -> str:
    return base_url() + path_of("phone.join", code=join_code)


def qr_svg(url: str, scale: int = 8) -> str:
    """An SVG QR code for the url, made on the server (no script, no external service)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2, light="white",
                                    xmldecl=False, svgns=True, title=url)
    return buffer.getvalue().decode()
