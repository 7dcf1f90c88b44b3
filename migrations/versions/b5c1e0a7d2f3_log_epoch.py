"""the event log's epoch, made anew by a restore

Revision ID: b5c1e0a7d2f3
Revises: dd7b10f2e978
Create Date: 2026-12-06 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5c1e0a7d2f3'
down_revision = 'dd7b10f2e978'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('log_epoch', sa.String(length=16), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('log_epoch')
