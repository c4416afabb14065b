"""The `kiban` command: demo, serve, worker, migrate, seed, and every Django command."""

import os
import signal
import subprocess
import sys
import time

# Commands spelt with a hyphen, mapped to the Django command modules that implement them.
COMMAND_ALIASES = {"verify-log": "verify_log"}


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def migrate() -> None:
    """Create the var/ directory, compile translations and bring the database up to date."""
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    from kiban.web.translations import compile_translations

    compile_translations()
    _manage("migrate", "--no-input", "-v", "0")


def serve(port: int, workers: int | None = None, threads: int | None = None) -> subprocess.Popen:
    """Start the web server (Granian, WSGI) as a child process.

    KIBAN_WEB_WORKERS processes (default 2, one per core of the reference machine), each
    running Django in KIBAN_WEB_THREADS threads (default 1 on SQLite, whose writes are one
    at a time anyway, and 2 on PostgreSQL, where a thread waits for the database server).
    """
    from django.conf import settings

    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    workers = workers or int(os.environ.get("KIBAN_WEB_WORKERS", "2"))
    threads = threads or int(os.environ.get("KIBAN_WEB_THREADS", "1" if sqlite else "2"))
    return subprocess.Popen([
        sys.executable, "-m", "granian", "--interface", "wsgi", "kiban.wsgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(threads), "--log-level", "warning",
        "--workers-kill-timeout", "20",
        *(["--access-log"] if os.environ.get("KIBAN_ACCESS_LOG") == "1" else []),
    ])


def worker() -> subprocess.Popen:
    """Start the background worker (Django tasks, database backend) as a child process."""
    return subprocess.Popen([sys.executable, "-m", "kiban", "db_worker", "--interval", "0.5"])


def _run_children(children: list[subprocess.Popen]) -> int:
    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        stop()
        for child in children:
            child.wait(timeout=20)
    return max((child.returncode or 0) for child in children)


def bureau_app(port: int, kiban_port: int) -> subprocess.Popen | None:
    """Start the sample bureau application (examples/bureau_app) if this is a source checkout."""
    from pathlib import Path

    app = Path(__file__).resolve().parents[2] / "examples" / "bureau_app" / "app.py"
    if not app.exists():
        return None
    env = {**os.environ, "KIBAN_URL": f"http://127.0.0.1:{kiban_port}"}
    return subprocess.Popen([sys.executable, str(app), str(port)], env=env)


def demo(port: int) -> int:
    """Migrate, load the demo data, start the platform and its worker, print the sign-ins.

    The development identity provider is served by the same server under /dev-idp/; the
    sample bureau application runs beside it on the next port.
    """
    os.environ.setdefault("KIBAN_DEV_IDP", "1")
    os.environ.setdefault("KIBAN_BASE_URL", f"http://127.0.0.1:{port}")
    _django_setup()
    migrate()
    from kiban.web.demo import demo_banner, load_demo

    load_demo()
    children = [worker(), serve(port),  # and webhook delivery with retries (kiban.events):
                subprocess.Popen([sys.executable, "-m", "kiban", "deliver_webhooks", "--loop"])]
    sample = bureau_app(port + 1, port)
    if sample is not None:
        children.append(sample)
    time.sleep(1.5)
    print(demo_banner(f"http://127.0.0.1:{port}"), flush=True)
    return _run_children(children)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    port = int(os.environ.get("PORT", "8000"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
    if command == "demo":
        sys.exit(demo(port))
    if command == "serve":
        _django_setup()
        sys.exit(_run_children([serve(port)]))
    if command == "worker":
        _django_setup()
        sys.exit(_run_children([worker()]))
    if command == "migrate":
        _django_setup()
        migrate()
        return
    if command == "help":
        print(
            "usage: kiban demo | serve | worker | migrate | seed [--residents N] "
            "| <any Django management command>"
        )
        return
    argv[0] = COMMAND_ALIASES.get(command, command)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kiban", *argv])
