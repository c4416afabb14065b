import pytest


def pytest_configure(config):
    from kiban.web.translations import compile_translations

    compile_translations()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def resident(db):
    from tests.factories import ResidentFactory

    return ResidentFactory()


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client
