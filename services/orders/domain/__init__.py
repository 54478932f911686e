"""The orders rules, free of Flask, SQLAlchemy and events: plain values in, decisions out."""
