"""Small helpers the query modules share."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def insert_ignore(
    session: AsyncSession, model: type[SQLModel], values: dict[str, Any], keys: list[str]
) -> bool:
    """Insert unless a row with the same unique ``keys`` exists; True if this call inserted.

    The database's uniqueness, not a read-then-write, is what keeps a second "done"
    or a second reminder for the same day from being written.
    """
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*table.primary_key.columns)
    )
    # RETURNING, not rowcount: psycopg reports a rowcount for skipped rows too.
    result = await session.exec(statement)  # type: ignore[call-overload]
    return result.first() is not None


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
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(*(table.c[name] for name in returning))
    )
    result = await session.exec(statement)  # type: ignore[call-overload]
    return list(result.all())


async def upsert(
    session: AsyncSession,
    model: type[SQLModel],
    values: dict[str, Any],
    *,
    keys: list[str],
    update: list[str],
) -> None:
    """Insert, or update ``update`` columns of the row with the same ``keys``."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={column: statement.excluded[column] for column in update}
    )
    await session.exec(statement)  # type: ignore[call-overload]
