"""Fixtures for procedure tests: definitions, posted data and the attribute catalogue."""

import copy
import json
from pathlib import Path

import pytest
from django.utils.datastructures import MultiValueDict

import kiban

EXAMPLE = Path(kiban.__file__).parent / "schema" / "examples" / "childcare-allowance.json"

ATTRIBUTE_CODES = {
    "person.name": "name",
    "person.birth_date": "date",
    "person.address": "address",
    "person.phone": "phone",
    "person.email": "email",
    "person.bank_account": "bank_account",
    "person.sex": "choice",
    "business.corporate_number": "corporate_number",
}


@pytest.fixture
def example_definition() -> dict:
    return copy.deepcopy(json.loads(EXAMPLE.read_text(encoding="utf-8")))


@pytest.fixture
def attribute_codes() -> dict:
    return dict(ATTRIBUTE_CODES)


@pytest.fixture
def no_files() -> MultiValueDict:
    return MultiValueDict()
