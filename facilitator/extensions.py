"""The app's extension singletons; `create_app` binds them with init_app."""
from eventlet import tpool
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base for the typed models."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = SocketIO()
csrf = CSRFProtect()
babel = Babel()
login = LoginManager()
limiter = Limiter(key_func=get_remote_address)


def off_the_event_loop(work, *args):
    """Slow work (a copy of the database, parsing or writing a big file) in a real thread
    under eventlet, so that every socket is served meanwhile; as it is elsewhere. The
    work must not use the request's database session."""
    if socketio.async_mode == "eventlet":
        return tpool.execute(work, *args)
    return work(*args)
