"""the action plan's PDFs and their renders in the database (plan_file)

Revision ID: c7d2a9e4f1b8
Revises: b5c1e0a7d2f3
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d2a9e4f1b8'
down_revision = 'b5c1e0a7d2f3'
branch_labels = None
depends_on = None

# the rows of renders under way: each holds its plan and its render place
RENDERING = "state IN ('queued', 'rendering')"


def upgrade():
    op.create_table('plan_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('edition', sa.String(length=10), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('process', sa.String(length=120), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('rendered_at', sa.DateTime(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.CheckConstraint(f"slot IS NOT NULL OR NOT ({RENDERING})",
                       name='ck_plan_file_a_render_holds_a_place'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workshop_id', 'language', 'edition', 'seq')
    )
    with op.batch_alter_table('plan_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_file_workshop_id'), ['workshop_id'],
                              unique=False)
        # one render at a time per plan, and per render place: partial unique indexes
        # over the rows under way only (SQLite and PostgreSQL both have them)
        batch_op.create_index('ix_plan_file_one_render_per_plan',
                              ['workshop_id', 'language', 'edition'], unique=True,
                              sqlite_where=sa.text(RENDERING),
                              postgresql_where=sa.text(RENDERING))
        batch_op.create_index('ix_plan_file_one_render_per_place', ['slot'], unique=True,
                              sqlite_where=sa.text(RENDERING),
                              postgresql_where=sa.text(RENDERING))


def downgrade():
    with op.batch_alter_table('plan_file', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_file_one_render_per_place')
        batch_op.drop_index('ix_plan_file_one_render_per_plan')
        batch_op.drop_index(batch_op.f('ix_plan_file_workshop_id'))

    op.drop_table('plan_file')
