"""the seq of a workshop's last event a phone may see (workshop.phone_seq)

Revision ID: f4c8b2d6e1a3
Revises: a9d4e2c7f5b1
Create Date: 2026-12-06 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4c8b2d6e1a3'
down_revision = 'a9d4e2c7f5b1'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('workshop', sa.Column('phone_seq', sa.Integer(), nullable=False,
                                        server_default='0'))
    op.execute("UPDATE workshop SET phone_seq = last_seq")


def downgrade():
    with op.batch_alter_table('workshop', schema=None) as batch_op:
        batch_op.drop_column('phone_seq')
