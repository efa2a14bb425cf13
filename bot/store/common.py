"""Small helpers the query modules share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Executable, Row, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

# A row of any width: what a Core statement built elsewhere gives back.
AnyRow = Row[*tuple[Any, ...]]


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a ``table=True`` model (SQLModel sets ``__table__`` without
    declaring it in its types; the metadata holds the same object by name)."""
    name = model.__tablename__
    assert isinstance(name, str), model  # every model here names its table
    return SQLModel.metadata.tables[name]


def dialect_of(session: AsyncSession) -> str:
    """ "postgresql" or "sqlite": the statements that differ are built per dialect."""
    return session.bind.dialect.name if session.bind else "sqlite"


def _insert_into(dialect: str, model: type[SQLModel], columns: tuple[str, ...]) -> Any:
    """The dialect's INSERT (it has ON CONFLICT) of ``columns``, as bound parameters of
    the same names and types: built once, executed with each call's values."""
    table = table_of(model)
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).values(
        {name: bindparam(name, type_=table.c[name].type) for name in columns}
    )


async def fetch_all(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any]
) -> Sequence[AnyRow]:
    """Rows of a Core statement built once at import, run on the session's connection.

    The hot reads ("done", /today, every reminder) go this way: building a statement
    per call and loading ORM objects cost several times the database's own work
    (bench/updates.py), and these rows are only read, never changed and flushed.
    """
    values = dict(params)

    def run(sync: Session) -> Sequence[AnyRow]:
        # One hop into SQLAlchemy's synchronous core for the whole statement, instead of
        # one to fetch the connection and another to execute on it.
        result = sync.connection().execute(statement, values)
        return result.all() if result.returns_rows else []

    return await session.run_sync(run)


@cache
def _insert_ignore_statement(
    dialect: str, model: type[SQLModel], columns: tuple[str, ...], keys: tuple[str, ...]
) -> Executable:
    table = table_of(model)
    return (
        _insert_into(dialect, model, columns)
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(*table.primary_key.columns)
    )


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any], keys: list[str]
) -> bool:
    """Insert unless a row with the same unique ``keys`` exists; True if this call inserted.

    The database's uniqueness, not a read-then-write, is what keeps a second "done"
    or a second reminder for the same day from being written. The statement is built
    once per table and column set.
    """
    dialect = dialect_of(session)
    statement = _insert_ignore_statement(dialect, model, tuple(values), tuple(keys))
    # RETURNING, not rowcount: psycopg reports a rowcount for skipped rows too.
    return bool(await fetch_all(session, statement, values))


async def insert_ignore_many(
    session: AsyncSession,
    model: type[SQLModel],
    rows: list[dict[str, Any]],
    keys: list[str],
    returning: list[str],
) -> list[Any]:
    """``insert_ignore`` for many rows in one statement; the ``returning`` columns of the
    rows this call inserted (not of those that already existed)."""
    if not rows:
        return []
    table = table_of(model)
    dialect = dialect_of(session)
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*(table.c[name] for name in returning))
    )
    result = await session.exec(statement)
    return list(result.all())


@cache
def _upsert_statement(
    dialect: str,
    model: type[SQLModel],
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    update: tuple[str, ...],
) -> Executable:
    statement = _insert_into(dialect, model, columns)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={column: statement.excluded[column] for column in update}
    )


async def upsert(
    session: AsyncSession,
    model: type[SQLModel],
    values: dict[str, Any],
    *,
    keys: list[str],
    update: list[str],
) -> None:
    """Insert, or update ``update`` columns of the row with the same ``keys``."""
    dialect = dialect_of(session)
    statement = _upsert_statement(dialect, model, tuple(values), tuple(keys), tuple(update))
    await fetch_all(session, statement, values)
