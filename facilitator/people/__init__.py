"""The people in the room and behind it: facilitators' accounts and invitations,
participants joining and rejoining, and every person's rights over their data."""
