"""Who is looking: a facilitator's console, the projector, or a participant's phone.

A viewer decides which events of the log it may see and which Socket.IO rooms its socket
is in. Staff (owner, co-facilitators, organisers) see everything; only the owner and
co-facilitators change anything; the projector and phones see what is for everyone; a
participant also sees their own events and their group's. A Viewer is derived again from
the database for every request (see live.current_viewer), never kept from the connect.
"""
from __future__ import annotations

from dataclasses import dataclass

FACILITATOR_ROLES = ("owner", "cofacilitator")  # may run the workshop
STAFF_ROLES = ("owner", "cofacilitator", "organiser")  # may see everything


@dataclass(frozen=True)
class Viewer:
    kind: str  # "facilitator", "projector", "participant"; "newcomer" at the join form
    workshop_id: int
    role: str | None = None  # membership role of a facilitator
    facilitator_id: int | None = None
    participant_id: int | None = None
    group_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind == "facilitator" and self.role in STAFF_ROLES

    @property
    def runs_workshop(self) -> bool:
        return self.kind == "facilitator" and self.role in FACILITATOR_ROLES

    @property
    def actor(self) -> str:
        """How the event log names whoever made a change."""
        if self.kind == "participant":
            return f"participant:{self.participant_id}"
        if self.kind == "facilitator":
            return f"facilitator:{self.facilitator_id}"
        return self.kind

    def may_see(self, audience: str, target_id: int | None = None) -> bool:
        if self.is_staff or audience == "all":
            return True
        if audience == "group":
            return target_id is not None and target_id == self.group_id
        if audience == "participant":
            return self.kind == "participant" and target_id == self.participant_id
        if audience == "screens":
            return self.sees_every_group
        return False

    @property
    def sees_every_group(self) -> bool:
        """The projector shows every group's board (read-only); staff see everything."""
        return self.kind == "projector"

    def streams(self) -> list[str]:
        """The event streams a phone or the projector sees (staff see every stream; the
        projector also every group's, "g*", and the screens', "screens")."""
        streams = ["all"]
        if self.sees_every_group:
            streams += ["g*", "screens"]
        if self.kind == "participant":
            streams.append(stream_of("participant", self.participant_id))
            if self.group_id is not None:
                streams.append(stream_of("group", self.group_id))
        return streams

    def rooms(self) -> list[str]:
        """The Socket.IO rooms this viewer's socket is in now."""
        rooms = [room_all(self.workshop_id)]
        if self.is_staff:
            rooms.append(room_facilitators(self.workshop_id))
        if self.kind == "participant":
            rooms.append(room_participant(self.workshop_id, self.participant_id))
            if self.group_id is not None:
                rooms.append(room_group(self.workshop_id, self.group_id))
        elif self.facilitator_id is not None:  # a console, or a projector someone opened
            rooms.append(room_person(self.workshop_id, self.facilitator_id))
        if self.sees_every_group:
            rooms.append(room_boards(self.workshop_id))
        return rooms


def stream_of(audience: str, target_id: int | None = None) -> str:
    """An audience in one word: "all", "facilitators", "g<group id>", "p<participant id>"."""
    if audience == "group":
        return f"g{target_id}"
    if audience == "participant":
        return f"p{target_id}"
    return audience


def room_all(workshop_id: int) -> str:
    return f"w{workshop_id}"


def room_facilitators(workshop_id: int) -> str:
    return f"w{workshop_id}:facilitators"


def room_group(workshop_id: int, group_id: int) -> str:
    return f"w{workshop_id}:g{group_id}"


def room_boards(workshop_id: int) -> str:
    """Where every group's events also go, for screens that show all boards."""
    return f"w{workshop_id}:boards"


def room_participant(workshop_id: int, participant_id: int) -> str:
    return f"w{workshop_id}:p{participant_id}"


def room_person(workshop_id: int, facilitator_id: int) -> str:
    """A facilitator's own room in a workshop: their consoles and projectors."""
    return f"w{workshop_id}:f{facilitator_id}"
