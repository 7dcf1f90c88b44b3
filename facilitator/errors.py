"""The one error a capability raises when it refuses a change.

Its code is for programs (see docs/protocol.md), its message is for the person holding
the phone: translated, and saying what to do. Nothing is written when it is raised.
"""
from __future__ import annotations


class OperationError(Exception):
    def __init__(self, code: str, message: object, **details):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = details

    def to_ack(self) -> dict:
        error = {"code": self.code, "message": str(self.message)}
        if self.details:
            error["details"] = self.details
        return {"ok": False, "error": error}
