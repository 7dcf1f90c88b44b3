"""Sending an email, when the server has a mail server to send through (MAIL_SERVER).

The standard library's smtplib and email.message, in a background task started after
the commit: a slow or unreachable mail server never holds a request, nor the event loop
under eventlet (its sockets are green there), and every exchange with it has a timeout
(MAIL_TIMEOUT). Nothing is sent when MAIL_SERVER is not set. Failures are logged by
their kind only: the recipient and the message (which may hold a link) stay out of logs.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Callable

from flask import Flask, current_app

from .extensions import socketio

log = logging.getLogger(__name__)


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def sender() -> str:
    config = current_app.config
    return config.get("MAIL_DEFAULT_SENDER") or config.get("MAIL_USERNAME") or \
        "facilitator@localhost"


def message(to: str, subject: str, body: str, reply_to: str | None = None) -> EmailMessage:
    """A plain-text email in UTF-8 (French and Arabic as they are)."""
    email = EmailMessage()
    email["From"] = formataddr(("Facilitator", sender()))
    email["To"] = to
    email["Subject"] = subject
    email["Message-ID"] = make_msgid(domain=sender().rpartition("@")[2] or None)
    if reply_to:
        email["Reply-To"] = reply_to
    email.set_content(body)
    return email


def send_later(email: EmailMessage, then: Callable[[bool], None]) -> None:
    """Send in a background task; `then(sent)` runs after it, in an app context of its
    own (to note how it went)."""
    app = current_app._get_current_object()
    socketio.start_background_task(_send, app, email, then)


def _send(app: Flask, email: EmailMessage, then: Callable[[bool], None]) -> None:
    config = app.config
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    try:
        if config.get("MAIL_USE_SSL"):
            smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config.get("MAIL_PORT") or 465,
                                    timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT") or 25,
                                timeout=timeout)
        with smtp:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(email)
        sent = True
    except (OSError, smtplib.SMTPException) as error:
        log.warning("an email could not be sent through %s: %s", config["MAIL_SERVER"],
                    type(error).__name__)
        sent = False
    with app.app_context():
        then(sent)
