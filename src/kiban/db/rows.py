"""Rows in plain SQL for the few statements every logged call makes.

Building a query with the ORM costs more CPU than running it: about 0.5 ms for an insert or
a one-row select on the 2-core reference machine, against 0.1 ms for the statement. The
once-only read path makes five such statements per call, so they are written here in SQL,
while values still pass through the model fields both ways (the same adaptations and
converters the ORM applies), so a row read here equals the row the ORM would read.

Use these only on measured hot paths; everything else goes through the ORM.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _db():
    """The default connection itself: `django.db.connection` is a proxy that looks the
    connection up again on every attribute, which adapting a row's values does per field."""
    return connections[DEFAULT_DB_ALIAS]


def _column_converters(field, alias: str) -> tuple[Any, list]:
    """Return a field's column under `alias` and the converters a read value goes through
    (the database's, then the field's), as the ORM applies them."""
    db = _db()
    column = field.get_col(alias)
    return column, db.ops.get_db_converters(column) + field.get_db_converters(db)


def _converted_value(value: Any, column, converters: list, db) -> Any:
    for converter in converters:
        value = converter(value, column, db)
    return value


class Columns:
    """A model's concrete columns under a table alias, and rows turned back into instances.

    With `remember`, the instances of the last so many distinct rows are kept and a row
    read again gives a copy of its instance instead of converting every value anew (JSON
    decoding most of all). For rows read on every page that rarely change, such as a
    published procedure version: a changed row is a new key. The copies share the
    remembered values, so a caller must not change a value in place (a JSON dict, say).
    """

    def __init__(self, model: type[Model], alias: str, *, remember: int = 0):
        self.model, self.alias = model, alias
        self.fields = model._meta.concrete_fields
        self._converters: dict[str, list] = {}
        self._sql: dict[str, str] = {}
        self._remember = remember
        self._remembered: dict[tuple, Model] = {}

    @property
    def sql(self) -> str:
        """The columns for a SELECT list: alias.column, … in field order."""
        sql = self._sql.get(connection.vendor)
        if sql is None:
            sql = self._sql[connection.vendor] = ", ".join(
                f"{quoted(self.alias)}.{quoted(f.column)}" for f in self.fields)
        return sql

    def __len__(self) -> int:
        return len(self.fields)

    def _converters_now(self) -> list:
        vendor = connection.vendor
        converters = self._converters.get(vendor)
        if converters is None:
            converters = [_column_converters(field, self.alias) for field in self.fields]
            self._converters[vendor] = converters
        return converters

    def instance(self, values: Sequence[Any]) -> Model:
        """Return the model instance of one row's values for these columns (in order)."""
        if not self._remember:
            return self._converted(values)
        key = (connection.vendor, *values)
        try:
            found = self._remembered.get(key)
        except TypeError:  # a value that cannot be a key (bytes from a memoryview)
            return self._converted(values)
        if found is None:
            if len(self._remembered) >= self._remember:
                self._remembered.clear()
            found = self._remembered[key] = self._converted(values)
        return _copied(found)

    def _converted(self, values: Sequence[Any]) -> Model:
        db = _db()
        converted = [_converted_value(value, column, converters, db)
                     for value, (column, converters) in zip(values, self._converters_now(),
                                                           strict=True)]
        return self.model.from_db(db.alias, None, converted)


def _copied(instance: Model) -> Model:
    """A shallow copy of an instance with its own state and cache of related objects: what
    `copy.copy` makes through the model's pickling hooks, without the trip through them."""
    twin = instance.__class__.__new__(instance.__class__)
    twin.__dict__.update(instance.__dict__)
    twin._state = copy.copy(instance._state)
    twin._state.fields_cache = instance._state.fields_cache.copy()
    return twin


def instances(row: Sequence[Any], *columns: Columns) -> list[Model]:
    """Split a row of joined tables (`columns` in SELECT order) into one instance each."""
    found, start = [], 0
    for part in columns:
        found.append(part.instance(row[start:start + len(part)]))
        start += len(part)
    return found


def field_values(model: type[Model], name: str, pks: Iterable[Any]) -> dict[Any, Any]:
    """Return {primary key: value of field `name`} for the rows of `model` with these keys."""
    pks = list(pks)
    if not pks:
        return {}
    field = model._meta.get_field(name)
    column, converters = _column_converters(field, model._meta.db_table)
    found = select(f"SELECT {quoted(model._meta.pk.column)}, {quoted(field.column)} "
                   f"FROM {quoted(model._meta.db_table)} "
                   f"WHERE {quoted(model._meta.pk.column)} IN ({', '.join(['%s'] * len(pks))})",
                   pks)
    db = _db()
    return {pk: _converted_value(value, column, converters, db) for pk, value in found}


def select(sql: str, params: Iterable[Any]) -> list[tuple]:
    with _db().cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def prepared(model: type[Model], name: str, value: Any) -> Any:
    """Return `value` as the database takes it for the field `name` of `model`."""
    return model._meta.get_field(name).get_db_prep_value(value, _db(), prepared=False)


@cache
def _get_sql(model: type[Model], columns: Columns, column: str, vendor: str, lock: bool) -> str:
    locking = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    return (f"SELECT {columns.sql} FROM {quoted(model._meta.db_table)} {quoted(columns.alias)} "
            f"WHERE {quoted(columns.alias)}.{quoted(column)} = %s{locking}")


def get(model: type[Model], columns: Columns, name: str, value: Any, *,
        lock: bool = False) -> Model | None:
    """Return the one instance whose field `name` equals `value`, or None.

    With `lock`, the row stays locked until the caller's transaction ends (FOR UPDATE where
    the database has row locks; SQLite's write transaction excludes other writers anyway).
    """
    field = model._meta.get_field(name)
    rows = select(_get_sql(model, columns, field.column, connection.vendor, lock),
                  [prepared(model, name, value)])
    return columns.instance(rows[0]) if rows else None


@cache
def _update_sql(model: type[Model], columns: tuple[str, ...], vendor: str) -> str:
    assignments = ", ".join(f"{quoted(column)} = %s" for column in columns)
    return (f"UPDATE {quoted(model._meta.db_table)} SET {assignments} "
            f"WHERE {quoted(model._meta.pk.column)} = %s")


def update(model: type[Model], pk: Any, values: dict[str, Any]) -> int:
    """Set the fields named in `values` of the row with primary key `pk`; return rows changed.

    Values are adapted by their fields as a save would (no pre_save: pass every value).
    """
    db = _db()
    fields = [model._meta.get_field(name) for name in values]
    params = [field.get_db_prep_save(values[field.name], db) for field in fields]
    with db.cursor() as cursor:
        cursor.execute(_update_sql(model, tuple(field.column for field in fields), db.vendor),
                       [*params, pk])
        return cursor.rowcount


@cache
def _insert_sql(model: type[Model], columns: tuple[str, ...], vendor: str) -> str:
    returning = ""
    if connection.features.can_return_columns_from_insert:
        returning = f" RETURNING {quoted(model._meta.pk.column)}"
    return (f"INSERT INTO {quoted(model._meta.db_table)} "
            f"({', '.join(quoted(column) for column in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}){returning}")


def insert_values(model: type[Model], values: dict[str, Any]) -> tuple[tuple[str, ...], list]:
    """Return the columns and adapted parameters of one new row of `model` (see `insert`)."""
    db = _db()
    columns, params = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in values:
            continue
        if field.attname in values:
            value = values[field.attname]
        elif field.name in values:
            value = values[field.name]
            value = value.pk if isinstance(value, Model) else value
        else:
            value = field.get_default()
        columns.append(field.column)
        params.append(field.get_db_prep_save(value, db))
    return tuple(columns), params


def insert(model: type[Model], values: dict[str, Any]) -> Any:
    """Insert one row of `model`: the given field values, the fields' defaults for the rest.

    Values are adapted by their fields (dates, JSON, UUIDs) as a save would. Return the
    primary key the database gave the row.
    """
    return _inserted(model, *insert_values(model, values))


def _inserted(model: type[Model], columns: tuple[str, ...], params: list) -> Any:
    """Run the INSERT of one row; return the primary key the database gave it."""
    db = _db()
    with db.cursor() as cursor:
        cursor.execute(_insert_sql(model, columns, db.vendor), params)
        if db.features.can_return_columns_from_insert:
            return cursor.fetchone()[0]
        return cursor.lastrowid


def create(model: type[Model], **values: Any) -> Model:
    """Insert and return a new instance, as `model.objects.create(**values)` would.

    The instance gets its fields' defaults and `auto_now(_add)` times (each field's
    pre_save), and the primary key the database gave it; the statement is plain SQL.
    """
    instance = model(**values)
    fields = [field for field in model._meta.concrete_fields
              if not (field.primary_key and getattr(instance, field.attname) is None)]
    db = _db()
    params = [field.get_db_prep_save(field.pre_save(instance, True), db) for field in fields]
    pk = _inserted(model, tuple(field.column for field in fields), params)
    if model._meta.pk not in fields:  # the database chose it
        setattr(instance, model._meta.pk.attname, pk)
    instance._state.adding, instance._state.db = False, db.alias
    return instance
