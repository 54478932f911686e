"""KPI sums

Revision ID: 0007_kpi_sums
Revises: 0006_scale

The KPIs are summed by the database: `kpi_sums` keeps the sums of the orders' contributions
(domain/kpi_totals.py) per creation month and customer, filled here from the orders' facts
and kept up by the fold from now on.
"""

from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

revision = "0007_kpi_sums"
down_revision = "0006_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from services.feedback.domain.kpi_totals import CONTRIBUTIONS, contribution
    from services.feedback.usecases.orders import facts_of

    sums = op.create_table(
        "kpi_sums",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("customer", sa.String(length=36), nullable=False),
        *(
            sa.Column(
                name,
                sa.Numeric(20, 6) if name == "increments_effort" else sa.BigInteger(),
                nullable=False,
            )
            for name in CONTRIBUTIONS
        ),
        sa.PrimaryKeyConstraint("month", "customer"),
    )
    orders = sa.table("orders", sa.column("id", sa.Uuid), sa.column("facts", sa.JSON))
    totals: dict[tuple[str, str], dict] = {}
    for row in op.get_bind().execute(sa.select(orders.c.id, orders.c.facts)):
        facts = facts_of(SimpleNamespace(id=row.id, facts=row.facts))
        if facts.month:
            place = totals.setdefault(
                (facts.month, facts.customer_id or ""), dict.fromkeys(CONTRIBUTIONS, 0)
            )
            for name, value in contribution(facts).items():
                place[name] += value
    rows = [{"month": m, "customer": c, **values} for (m, c), values in totals.items()]
    if rows:
        op.bulk_insert(sums, rows)


def downgrade() -> None:
    op.drop_table("kpi_sums")
