"""Command-line tools: `flask --app facilitator <command>`."""
from __future__ import annotations

import time

import click
from flask import Flask

from . import archive, backups
from .errors import OperationError
from .live import operations
from .people import accounts
from .plan.content import PlanNotFound, gather
from .plan.pdf import html_to_pdf_pages, plan_html
from .sample import UNTIL, create_sample


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

    @app.cli.command("export-json")
    @click.argument("workshop_id", type=int)
    @click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                  default="-", show_default=True, help="The file to write (- for stdout).")
    def export_json(workshop_id: int, output: str) -> None:
        """Write a workshop to a JSON file (docs/archive.md): to rerun or archive it."""
        try:
            body = archive.dumps(archive.export_workshop(workshop_id))
        except OperationError as exc:
            raise click.ClickException(str(exc.message)) from None
        with click.open_file(output, "wb", atomic=output != "-") as out:
            out.write(body)
        if output != "-":
            click.echo(f"Workshop {workshop_id} written to {output} ({len(body):,} bytes).",
                       err=True)

    @app.cli.command("import-json")
    @click.argument("file", type=click.File("rb"))
    @click.option("--owner", "email", required=True,
                  help="Email of the facilitator account that will own the copy.")
    def import_json(file, email: str) -> None:
        """Make a copy of an exported workshop, owned by --owner (new join code)."""
        owner = accounts.find(email)
        if owner is None:
            raise click.ClickException(f"No facilitator account has the email {email}.")
        try:
            data = archive.read_archive(file.read(archive.MAX_BYTES + 1))
            workshop = archive.import_workshop(data, owner)
        except OperationError as exc:
            raise click.ClickException(str(exc.message)) from None
        counts = archive.summary(data)
        click.echo(f"Imported workshop {workshop.id} “{workshop.title}”, join code "
                   f"{workshop.join_code}: {counts['participants']} participants, "
                   f"{counts['ideas']} contributions, {counts['working_groups']} working "
                   f"groups, {counts['actions']} actions.")

    @app.cli.command("backup")
    @click.option("--output", "-o", type=click.Path(writable=True), default=None,
                  help="The file (or folder) to write; default: instance/backups/.")
    def backup(output: str | None) -> None:
        """Copy the database while the room goes on (SQLite's backup API, or pg_dump)."""
        started = time.perf_counter()
        try:
            path = backups.take(app, output)
        except backups.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes, "
                   f"{time.perf_counter() - started:.1f} s). Restore it with: "
                   f".venv/bin/flask --app facilitator restore {path}")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(dir_okay=False))
    def restore(file: str) -> None:
        """Replace the database with a backup (no server may be running on it)."""
        try:
            saved = backups.restore(app, file)
        except backups.BackupError as exc:
            raise click.ClickException(str(exc)) from None
        kept = f" The database as it was is kept in {saved}." if saved else ""
        click.echo(f"Restored {file}.{kept} Start the server: phones and consoles "
                   f"reconnect by themselves and see the room as it was at the backup.")

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
        workshop = create_sample(email, password, until=until)
        click.echo(f"Sample workshop {workshop.id} “{workshop.title}”, join code "
                   f"{workshop.join_code}; sign in as {email} / {password}.")

    @app.cli.command("export-pdf")
    @click.argument("workshop_id", type=int)
    @click.option("--language", type=click.Choice(["en", "fr", "ar"]), default=None,
                  help="The plan's language (default: the workshop's).")
    @click.option("--edition", type=click.Choice(["public", "internal"]), default="public",
                  show_default=True,
                  help="public: no emails; internal: the steering committee's emails too.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                  default=None, help="The file to write (default: "
                                     "plan-<id>-<language>-<edition>.pdf here).")
    def export_pdf(workshop_id: int, language: str | None, edition: str,
                   output: str | None) -> None:
        """Render a workshop's action plan to a PDF file (no browser, no cache)."""
        started = time.perf_counter()
        try:
            data = gather(workshop_id, language=language, edition=edition)
        except PlanNotFound:
            raise click.ClickException(f"No workshop has the id {workshop_id}.") from None
        content, pages = html_to_pdf_pages(plan_html(data))
        output = output or f"plan-{workshop_id}-{data['language']}-{edition}.pdf"
        with open(output, "wb") as file:
            file.write(content)
        draft = " (draft: the workshop is not closed)" if data["draft"] else ""
        click.echo(f"Wrote {output}: {pages} pages, {len(content) // 1024} KB, "
                   f"{data['language']}, {edition} edition{draft}, in "
                   f"{time.perf_counter() - started:.1f} s.")
