"""Database access for the accounts service."""

import sqlite3
from pathlib import Path

DB_PATH = Path(__file__).resolve().parent.parent / "var" / "accounts.sqlite3"


def get_connection():
    """Return a connection to the accounts database with dict-like rows."""
    connection = sqlite3.connect(DB_PATH)
    connection.row_factory = sqlite3.Row
    return connection


def fetch_one(query, params=()):
    """Run a query and return the first row, or None."""
    return get_connection().execute(query, params).fetchone()


def execute(query, params=()):
    """Run a statement and commit it."""
    connection = get_connection()
    with connection:
        connection.execute(query, params)
