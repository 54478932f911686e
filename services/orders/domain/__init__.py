"""The orders rules, free of Flask and SQLAlchemy: status machine, review, changes, deliveries."""
