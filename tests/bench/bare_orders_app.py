"""The baseline of bench_http.py: bare Flask + SQLAlchemy doing what the orders service does
at its core, on the same tables: read one order by key, insert one order and one outbox row
in a transaction, read a page of orders newest first. No auth, schemas, events or checks."""

import json
import os
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, request

engine = sa.create_engine(os.environ["BARE_DATABASE_URL"], pool_size=10, max_overflow=20)
meta = sa.MetaData()
orders = sa.Table("orders", meta, autoload_with=engine)
outbox = sa.Table("outbox", meta, autoload_with=engine)
app = Flask("bare")


def plain(row) -> dict:
    return {key: str(value) if value is not None else None for key, value in row._mapping.items()}


@app.get("/orders/<uuid:order_id>")
def read(order_id):
    with engine.connect() as connection:
        row = connection.execute(sa.select(orders).where(orders.c.id == order_id)).first()
    return plain(row)


@app.get("/orders")
def page():
    number = int(request.args.get("page", 1))
    query = sa.select(orders).order_by(orders.c.created_at.desc(), orders.c.number.desc())
    with engine.connect() as connection:
        rows = connection.execute(query.limit(20).offset((number - 1) * 20)).all()
    return {"items": [plain(row) for row in rows]}


@app.post("/orders")
def create():
    data = request.get_json()
    now = datetime.now(UTC)
    row = {
        "id": uuid.uuid4(),
        "number": f"B-{uuid.uuid4().hex[:16]}",
        "customer_id": uuid.UUID(data["customer_id"]),
        "title": data["title"],
        "description": "",
        "priority": "normal",
        "currency": "EUR",
        "status": "draft",
        "review_round": 0,
        "at_risk": False,
        "plan_health_version": 0,
        "delivery_package_version": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    with engine.begin() as connection:
        connection.execute(sa.insert(orders).values(**row))
        connection.execute(
            sa.insert(outbox).values(
                id=str(uuid.uuid4()),
                type="ordo.order.created",
                subject=str(row["id"]),
                body=json.dumps({"order_id": str(row["id"])}),
                created_at=now,
            )
        )
    return {"id": str(row["id"]), "number": row["number"]}, 201
