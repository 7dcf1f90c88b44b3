"""live layer: session tokens, event streams, one step_settings row per workshop

Revision ID: 7a1c0e5b2d44
Revises: 6e91cd5776db
Create Date: 2026-11-29 09:10:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '7a1c0e5b2d44'
down_revision = '6e91cd5776db'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('facilitator') as batch:
        batch.add_column(sa.Column('session_token', sa.String(length=32), nullable=True))
    facilitator = sa.table('facilitator', sa.column('id', sa.Integer),
                           sa.column('session_token', sa.String))
    connection = op.get_bind()
    for (facilitator_id,) in connection.execute(sa.select(facilitator.c.id)).all():
        connection.execute(facilitator.update().where(facilitator.c.id == facilitator_id)
                           .values(session_token=secrets.token_hex(16)))
    with op.batch_alter_table('facilitator') as batch:
        batch.alter_column('session_token', nullable=False)
        # guesses are rate-limited per account and client now, never by locking
        batch.drop_column('failed_logins')
        batch.drop_column('locked_until')

    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('stream', sa.String(length=24), nullable=False,
                                   server_default='all'))
        batch.add_column(sa.Column('prev_seq', sa.Integer(), nullable=False,
                                   server_default='0'))
    # name the streams of the events already logged (their prev_seq stays 0: a client
    # catching up from before this version takes a snapshot anyway)
    op.execute("UPDATE event SET stream = 'facilitators' WHERE audience = 'facilitators'")
    op.execute("UPDATE event SET stream = 'g' || target_id WHERE audience = 'group'")
    op.execute("UPDATE event SET stream = 'p' || target_id WHERE audience = 'participant'")
    op.create_index('ix_event_stream', 'event', ['workshop_id', 'stream', 'seq'])

    # every workshop has its Steps 1-2 settings row, so reading it never misses
    op.execute("INSERT INTO step_settings (workshop_id, anonymous, input_locked, voting_open, "
               "votes_revealed, allow_multiple_dots) SELECT id, false, false, false, false, "
               "false FROM workshop WHERE id NOT IN (SELECT workshop_id FROM step_settings)")


def downgrade():
    op.drop_index('ix_event_stream', table_name='event')
    with op.batch_alter_table('event') as batch:
        batch.drop_column('prev_seq')
        batch.drop_column('stream')
    with op.batch_alter_table('facilitator') as batch:
        batch.drop_column('session_token')
        batch.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
