"""Command-line tools: `flask --app facilitator <command>`."""
from __future__ import annotations

import click
from flask import Flask

from . import accounts, operations
from .errors import OperationError


def init_app(app: Flask) -> None:
    @app.cli.command("create-facilitator")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.password_option()
    def create_facilitator(email: str, name: str, password: str) -> None:
        """Create a facilitator account."""
        try:
            facilitator = operations.run(accounts.create_facilitator, email, name, password)
        except OperationError as exc:
            raise click.ClickException(str(exc.message)) from None
        click.echo(f"Created {facilitator.email}.")

    @app.cli.command("reset-password")
    @click.option("--email", prompt=True)
    @click.password_option()
    def reset_password(email: str, password: str) -> None:
        """Set a new password for a facilitator (signs them out everywhere)."""
        try:
            operations.run(accounts.reset_password, email, password)
        except OperationError as exc:
            raise click.ClickException(str(exc.message)) from None
        click.echo(f"New password set for {email}.")

    from .sample import UNTIL

    @app.cli.command("sample")
    @click.option("--email", default="facilitator@example.org", show_default=True)
    @click.option("--password", default="facilitator", show_default=True)
    @click.option("--until", "until", default="closed", show_default=True,
                  type=click.Choice(list(UNTIL)),
                  help="Fill the seminar up to this stage: participants only (welcome), "
                       "cards (ideas), themes, dots placed (vote), priorities (confirm), "
                       "Step 3's working groups with their objectives, actors and actions "
                       "and each sub-step's syntheses, Step 4's synergies and shared plan, "
                       "the closing's measures and committee, and the workshop closed.")
    def sample(email: str, password: str, until: str) -> None:
        """Create a sample seminar (a diaspora-engagement workshop like Beirut's)."""
        from .sample import create_sample

        workshop = create_sample(email, password, until=until)
        click.echo(f"Sample workshop {workshop.id} “{workshop.title}”, join code "
                   f"{workshop.join_code}; sign in as {email} / {password}.")
