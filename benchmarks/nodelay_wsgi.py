"""`wsgi.py` with TCP_NODELAY on every accepted connection: an experiment for
benchmarks/groups_editing.py --nodelay, not a way to run the app.

The app's eventlet server (facilitator/server.py) leaves Nagle's algorithm on for the
sockets it accepts. A small frame written right after another (an operation's ack after
its event, to the author) can then wait for the client's delayed ACK, about 40 ms on
Linux. This launcher sets TCP_NODELAY in `Listener.accept` and runs `wsgi.py` unchanged
otherwise, so the two can be compared in the same benchmark.
"""
import os
import runpy
import socket
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet") != "eventlet":
    sys.exit("nodelay_wsgi.py is for the eventlet server only")
warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
import eventlet  # noqa: E402

eventlet.monkey_patch()  # first, as wsgi.py does (it patches again: harmless)
sys.path.insert(0, str(ROOT))

from facilitator import server  # noqa: E402

_accept = server.Listener.accept


def accept(self):
    client, address = _accept(self)
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client, address


server.Listener.accept = accept
print("nodelay_wsgi: TCP_NODELAY on every accepted connection", flush=True)
runpy.run_path(str(ROOT / "wsgi.py"), run_name="__main__")
