"""Reading what arrives on a socket without ever failing, so that every request is answered.

python-socketio parses a message before any handler runs. A message it could not read
(broken JSON, nesting too deep for the parser, an integer of more than the 4,300 digits
Python converts, or no event name) raised there: the client got no ack and resent it for
ever, and the log got a traceback. Here such a message becomes the event UNREADABLE, with
the ack id it carries in its prefix, and live/handlers.py answers it `bad_request`; the log gets one
line. The message's size is bounded beforehand (SOCKETIO_MAX_MESSAGE_BYTES), and reading it
is linear in it (a long integer is refused before it is converted).
"""
from __future__ import annotations

import json
import logging

from socketio import packet

# An event name no operation has: a client sending it on purpose only gets `bad_request`.
UNREADABLE = "(unreadable)"
# The packets a client sends; CONNECT_ERROR and unknown types would raise in the server.
_FROM_CLIENTS = {packet.CONNECT, packet.DISCONNECT, packet.EVENT, packet.ACK,
                 packet.BINARY_EVENT, packet.BINARY_ACK}
_EVENTS = {packet.EVENT, packet.BINARY_EVENT}
log = logging.getLogger(__name__)


class JSON:
    """The JSON module of Engine.IO and Socket.IO (one for the whole process): the standard
    one, where nesting too deep is a ValueError like any unreadable text. Engine.IO then
    keeps such a text as it came, and Socket.IO's Frame answers it."""

    @staticmethod
    def dumps(*args, **kwargs):
        return json.dumps(*args, **kwargs)

    @staticmethod
    def loads(text, *args, **kwargs):
        try:
            return json.loads(text, *args, **kwargs)
        except RecursionError:
            raise ValueError("nested too deeply") from None


def _is_event(data) -> bool:
    return isinstance(data, list) and bool(data) and isinstance(data[0], str)


class Frame(packet.Packet):
    """A Socket.IO packet whose decoding never raises (the server's `serializer`)."""

    json = JSON

    def decode(self, encoded_packet):
        if not isinstance(encoded_packet, str):  # binary, and no attachment was awaited
            return self._unreadable("not text")
        try:
            attachments = super().decode(encoded_packet)
        except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
            return self._unreadable(str(error).split(";")[0][:120])
        if self.packet_type not in _FROM_CLIENTS:
            return self._unreadable("unknown packet type")
        if self.packet_type in _EVENTS and not _is_event(self.data):
            return self._unreadable("not [event name, ...arguments]")
        return attachments

    def _unreadable(self, why: str) -> int:
        """Keep what was read of the prefix: a connection request without its auth is
        refused `bad_request` by the connect handler, a disconnection is one, and anything
        else becomes the UNREADABLE event, answered if it was an event with an ack id."""
        if self.packet_type in (packet.CONNECT, packet.DISCONNECT):
            self.data = None
            outcome = "read without its data"
        else:
            if self.packet_type not in _EVENTS:
                self.id = None  # only a request's ack id is the client's to answer
            self.packet_type = packet.EVENT
            self.data = [UNREADABLE]
            outcome = "ignored" if self.id is None else "answered bad_request"
        log.warning("Unreadable Socket.IO message (%s): %s", why, outcome)
        return 0
