"""kiban.db.rows: plain SQL on hot paths that reads and writes what the ORM would."""

import pytest
from django.utils import timezone

from kiban.audit.models import AuditRecord
from kiban.db import rows
from kiban.identity.models import Organisation

pytestmark = pytest.mark.django_db

AUDIT = rows.Columns(AuditRecord, "a")


def _organisation(**values):
    values = {"code": "tax", "kind": "bureau", "name_ja": "主税局",
              "name_en": "Bureau of Taxation", **values}
    return Organisation.objects.create(**values)


def _read(columns, model, pk):
    table = rows.quoted(model._meta.db_table)
    found = rows.select(f"SELECT {columns.sql} FROM {table} {rows.quoted(columns.alias)} "
                        f"WHERE {rows.quoted(columns.alias)}.id = %s", [pk])
    return columns.instance(found[0])


def test_a_row_read_in_sql_equals_the_row_the_orm_reads():
    record = AuditRecord.objects.create(action="test.read", actor_label="職員",
                                        data={"nested": {"ok": True}, "list": [1, "二"]})

    read = _read(AUDIT, AuditRecord, record.pk)
    orm = AuditRecord.objects.get(pk=record.pk)

    assert [getattr(read, f.attname) for f in AuditRecord._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in AuditRecord._meta.concrete_fields]
    assert read._state.adding is False


def test_remembered_rows_come_back_as_copies_and_a_changed_row_as_a_new_instance():
    owners = rows.Columns(Organisation, "o", remember=4)
    organisation = _organisation()

    first = _read(owners, Organisation, organisation.pk)
    first.name_en = "changed in this request only"
    first._state.fields_cache["parent"] = None
    second = _read(owners, Organisation, organisation.pk)

    assert second is not first
    assert second.name_en == "Bureau of Taxation"
    assert "parent" not in second._state.fields_cache
    Organisation.objects.filter(pk=organisation.pk).update(name_en="Tax Bureau")
    assert _read(owners, Organisation, organisation.pk).name_en == "Tax Bureau"


def test_create_fills_defaults_and_auto_times_as_the_orm_does():
    before = timezone.now()

    made = rows.create(AuditRecord, action="test.create", data={"k": "値"})
    stored = AuditRecord.objects.get(pk=made.pk)

    assert made.pk and stored.action == "test.create" and stored.data == {"k": "値"}
    assert stored.at == made.at and stored.at >= before
    assert stored.actor_label == made.actor_label == ""


def test_insert_update_and_field_values():
    pk = rows.insert(AuditRecord, {"at": timezone.now(), "action": "test.insert",
                                   "data": {"n": 1}})

    changed = rows.update(AuditRecord, pk, {"data": {"n": 2}})

    assert changed == 1
    assert rows.field_values(AuditRecord, "data", [pk, -1]) == {pk: {"n": 2}}
    assert rows.field_values(AuditRecord, "data", []) == {}
