"""shared.http.pages on its own: following cursors gives every row once, in the list's order,
whatever the mix of directions and ties in the order; a cursor of another order is refused."""

import random
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from shared.http.errors import Problem
from shared.http.pages import paginate

metadata = sa.MetaData()
things = sa.Table(
    "things",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("name", sa.String(10), nullable=False),
)
ORDERS = {
    "score desc, name asc": (things.c.score.desc(), things.c.name.asc()),
    "score asc, name asc": (things.c.score.asc(), things.c.name.asc()),
    "name desc": (things.c.name.desc(),),
}


@pytest.fixture(scope="module")
def world():
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    app = Flask("pages")
    app.extensions["ordo"] = SimpleNamespace(settings=SimpleNamespace(jwt_secret="s" * 32))
    return engine, app


def follow(world, rows, order, size):
    engine, app = world
    with engine.begin() as connection:
        connection.execute(things.delete())
        if rows:
            connection.execute(things.insert(), rows)
    query = sa.select(things).order_by(*ORDERS[order])
    seen, cursor = [], None
    with Session(engine) as session, app.test_request_context(f"/things?o={order}"):
        while True:
            args = {"page_size": size, **({"cursor": cursor} if cursor else {})}
            page = paginate(session, query, args, rows=True)
            seen += [row.id for row in page["items"]]
            cursor = page.get("next_cursor")
            if cursor is None:
                break
        everything = [row.id for row in session.execute(query.order_by(things.c.id))]
    return seen, everything


@settings(max_examples=40, deadline=None)
@given(
    scores=st.lists(st.integers(0, 3), max_size=25),
    order=st.sampled_from(sorted(ORDERS)),
    size=st.integers(1, 6),
)
def test_following_cursors_gives_every_row_once_in_the_lists_order(world, scores, order, size):
    rng = random.Random(len(scores))
    rows = [{"id": n, "score": score, "name": rng.choice("abc")} for n, score in enumerate(scores)]
    seen, _ = follow(world, rows, order, size)
    assert sorted(seen) == list(range(len(rows)))
    keys = {row["id"]: row for row in rows}
    first, *rest = ORDERS[order]
    for before, after in zip(seen, seen[1:], strict=False):
        a, b = keys[before], keys[after]
        column = first.element.name
        if first.modifier.__name__ == "desc_op":
            assert a[column] >= b[column]
        else:
            assert a[column] <= b[column]


def test_a_cursor_of_another_order_is_refused(world):
    engine, app = world
    with engine.begin() as connection:
        connection.execute(things.delete())
        connection.execute(things.insert(), [{"id": n, "score": n, "name": "a"} for n in range(4)])
    with Session(engine) as session, app.test_request_context("/things"):
        query = sa.select(things).order_by(things.c.score.desc())
        cursor = paginate(session, query, {"page_size": 2}, rows=True)["next_cursor"]
        other = sa.select(things).order_by(things.c.score.asc())
        with pytest.raises(Problem) as refused:
            paginate(session, other, {"page_size": 2, "cursor": cursor}, rows=True)
    assert refused.value.code == 400
