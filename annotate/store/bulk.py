"""Many new rows into one table in one go: the driver's executemany, or on PostgreSQL, for a
big batch, COPY.

PostgreSQL runs an executemany as one INSERT per row (pipelined, but parsed, planned and
executed each time), and psycopg adapts each row's values in Python; COPY streams the rows
as text that the server reads in one pass, and psycopg formats them in C. A batch of 10,000
Label Studio tasks (250,000 rows) spent most of its time on those INSERTs. COPY fires the
same triggers and checks the same constraints as INSERT, in the same transaction.
"""

import json
from functools import cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import exc as sa_exc

from annotate.store.db import domain_error

COPY_FROM = 32  # rows: a smaller batch (a reviewer's decision) goes as INSERTs, where COPY's round trips cost more


def insert_tuples(conn, table, columns: list[str] | tuple[str, ...], rows: list[tuple]) -> None:
    """Insert `rows`, tuples in `columns` order (JSON columns as JSON text)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        _copy(conn, table.name, columns, rows)
    else:
        conn.exec_driver_sql(_insert_sql(conn, table, columns), rows)


def insert_dicts(conn, table, columns: list[str], rows: list[dict]) -> None:
    """Insert `rows`, dicts holding at least `columns` (JSON columns as Python values)."""
    insert_tuples(conn, table, columns, _as_tuples(table, columns, rows))


def _as_tuples(table, columns: list[str], rows: list[dict]) -> list[tuple]:
    """Positional tuples as the driver takes them, JSON columns as text (json.dumps, as
    SQLAlchemy's JSON type writes them; cast to json on PostgreSQL)."""
    pick = itemgetter(*columns)
    if len(columns) == 1:
        return [(pick(row),) for row in rows]
    json_at = [i for i, c in enumerate(columns) if c in _json_columns(table)]
    if not json_at:
        return [pick(row) for row in rows]
    out = []
    for row in rows:  # the values picked in C, then the few JSON ones encoded: a claim has 24 columns, 5 of them JSON
        values = list(pick(row))
        for i in json_at:
            values[i] = _json_text(values[i])
        out.append(tuple(values))
    return out


def _insert_sql(conn, table, columns) -> str:
    """An INSERT of one row in the driver's parameter style (JSON columns cast on PostgreSQL)."""
    qmark = conn.dialect.paramstyle == "qmark"
    as_json = _json_columns(table)
    marks = ["?" if qmark else ("CAST(%s AS json)" if c in as_json else "%s") for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join(marks)})'


def _copy(conn, table: str, columns, rows: list[tuple]) -> None:
    """COPY … FROM STDIN on the connection's own transaction; a refusal is raised as the same
    domain error, or SQLAlchemy error, an INSERT's would be."""
    import psycopg

    names = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table}" ({names}) FROM STDIN'
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except (psycopg.Error, OverflowError, UnicodeEncodeError) as error:
        found = domain_error(error)
        if found is not None:
            raise found from None
        if isinstance(error, psycopg.Error):
            raise sa_exc.DBAPIError.instance(statement, None, error, psycopg.Error) from error
        raise


@cache
def _json_columns(table) -> frozenset:
    return frozenset(c.name for c in table.columns if isinstance(c.type, JSON))


def _json_text(value: Any) -> str:
    if value == [] and type(value) is list:
        return "[]"
    return "{}" if value == {} and type(value) is dict else json.dumps(value)
