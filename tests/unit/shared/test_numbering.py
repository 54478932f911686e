"""shared.numbering on SQLite (embedded mode): both kinds of counter are the counters row, in
the caller's transaction, so a refused create gives its number back."""

import pytest
import sqlalchemy as sa

from shared.db import Database, infrastructure_tables
from shared.numbering import next_in_sequence, next_number


@pytest.fixture
def db(tmp_path):
    metadata = sa.MetaData()
    infrastructure_tables(metadata)
    database = Database(f"sqlite:///{tmp_path / 'numbers.db'}", metadata, "orders")
    database.create_all()
    yield database
    database.dispose()


def test_a_sequence_counts_from_one_per_counter(db):
    with db.transaction() as session:
        taken = [next_in_sequence(session, "order_number:2026") for _ in range(3)]
        other = next_in_sequence(session, "order_number:2027")
    assert taken == [1, 2, 3] and other == 1


def test_a_number_taken_by_a_transaction_that_rolls_back_is_handed_out_again(db):
    with pytest.raises(RuntimeError), db.transaction() as session:
        next_in_sequence(session, "order_number:2026")
        raise RuntimeError("the create was refused")
    with db.transaction() as session:
        assert next_in_sequence(session, "order_number:2026") == 1


def test_a_sequence_and_a_counter_of_the_same_name_are_one_count_on_sqlite(db):
    with db.transaction() as session:
        assert next_in_sequence(session, "order_number:2026") == 1
        assert next_number(session, "order_number:2026") == 2


@pytest.mark.parametrize(
    "name", ["Order_number:2026", "order number", "order-number:2026", "x" * 64, "1st:2026"]
)
def test_a_sequence_name_that_is_no_plain_identifier_is_refused(db, name):
    with pytest.raises(ValueError), db.transaction() as session:
        next_in_sequence(session, name)
