"""Entry point of the server: `python wsgi.py` (what `make run` does).

eventlet must patch the standard library before anything else imports it, so the patch
is the first thing here and only here (tests never import this module). The async mode
is a configuration value: SOCKETIO_ASYNC_MODE=threading or gevent needs no code change.
"""
import os
import warnings

ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
if ASYNC_MODE == "eventlet":
    # eventlet is in maintenance mode upstream; we know (docs/deploy.md), say it once there
    warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")
    import eventlet

    # this also gives psycopg2 a green wait callback (eventlet's psycopg2_patcher), so a
    # PostgreSQL query waiting on a lock lets the other sockets go on (tests/test_postgres.py)
    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import sys  # noqa: E402

from config import SetupError  # noqa: E402
from facilitator import backups, create_app, joining  # noqa: E402
from facilitator.extensions import socketio  # noqa: E402

try:
    app = create_app(os.environ.get("FACILITATOR_CONFIG", "venue"))
except SetupError as error:  # a setting to change: say which, without a traceback
    sys.exit(f"Facilitator cannot start: {error}")


def main() -> None:
    host = os.environ.get("HOST", "0.0.0.0")
    port = app.config["SERVER_PORT"]  # PORT
    with app.app_context():
        shown = joining.base_url()
    print(f"Facilitator is running on port {port}.\n"
          f"  On this laptop: http://127.0.0.1:{port}/\n"
          f"  Phones on the venue network join at: {shown.rstrip('/')}/j", flush=True)
    backups.hold_serving_lock(app)  # `flask restore` refuses while this process runs
    if backups.start_schedule(app):
        print(f"  Backups: at every stage change and after 5 minutes of activity, in "
              f"{backups.folder(app)}", flush=True)
    if ASYNC_MODE == "eventlet":
        from facilitator.live.server import run_eventlet

        run_eventlet(app, host, port, app.config["EVENTLET_MAX_CONNECTIONS"],
                     log_output=os.environ.get("ACCESS_LOG") == "1")
        return
    options = {}
    if ASYNC_MODE == "threading":
        options["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, debug=False, use_reloader=False,
                 log_output=os.environ.get("ACCESS_LOG") == "1", **options)


if __name__ == "__main__":
    main()
