"""committee emails out of the event log and the stored acks

The committee member's row is the one place holding their email (docs/privacy.md). The
person's copy of `committee.joined` (stream p<id>) becomes `committee.contact`
{participant_id, consented_at}, a reference; a stored `committee.join` ack keeps the
member without email nor consent time.

Revision ID: a9d4e2c7f5b1
Revises: e3b8f1a6c2d9
Create Date: 2026-12-09 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9d4e2c7f5b1'
down_revision = 'e3b8f1a6c2d9'
branch_labels = None
depends_on = None

CONTACT = ("email", "consented_at")
event = sa.table('event', sa.column('id', sa.Integer), sa.column('type', sa.String),
                 sa.column('audience', sa.String), sa.column('data', sa.JSON))
applied = sa.table('applied_operation', sa.column('id', sa.Integer),
                   sa.column('name', sa.String), sa.column('result', sa.JSON))


def upgrade():
    bind = op.get_bind()
    for row in bind.execute(sa.select(event.c.id, event.c.audience, event.c.data)
                            .where(event.c.type == 'committee.joined')).all():
        member = (row.data or {}).get('member') or {}
        if row.audience == 'participant':
            bind.execute(event.update().where(event.c.id == row.id).values(
                type='committee.contact',
                data={'participant_id': member.get('participant_id'),
                      'consented_at': member.get('consented_at')}))
        elif any(key in member for key in CONTACT):
            bind.execute(event.update().where(event.c.id == row.id).values(
                data={**row.data, 'member': {k: v for k, v in member.items()
                                             if k not in CONTACT}}))
    for row in bind.execute(sa.select(applied.c.id, applied.c.result)
                            .where(applied.c.name == 'committee.join')).all():
        member = (row.result or {}).get('member')
        if isinstance(member, dict) and any(key in member for key in CONTACT):
            bind.execute(applied.update().where(applied.c.id == row.id).values(
                result={**row.result, 'member': {k: v for k, v in member.items()
                                                 if k not in CONTACT}}))


def downgrade():
    pass  # the addresses are gone; the rows read as they are
