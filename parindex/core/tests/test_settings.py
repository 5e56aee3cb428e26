import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECRET_KEY); print(settings.DEBUG); print(settings.DATABASES['default']['ENGINE'])"
)


def read_settings(var_dir: Path, **extra: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="parindex.settings", PARINDEX_VAR_DIR=str(var_dir), **extra)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_it_generates_a_secret_key_once_into_a_private_file(tmp_path):
    first = read_settings(tmp_path)
    second = read_settings(tmp_path)
    assert first[0] == second[0]
    assert len(first[0]) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_keeps_debug_off_and_uses_sqlite_unless_told_otherwise(tmp_path):
    _, debug, engine = read_settings(tmp_path)
    assert debug == "False"
    assert engine == "django.db.backends.sqlite3"


def test_it_prefers_an_explicit_secret_key_and_database_url(tmp_path):
    key, _, engine = read_settings(
        tmp_path, SECRET_KEY="x" * 60, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/parindex"
    )
    assert key == "x" * 60
    assert engine == "django.db.backends.postgresql"
    assert not (tmp_path / "secret_key").exists()


def deploy_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_deploy_check_lists_only_https_items_and_is_clean_behind_https(tmp_path):
    # DJANGO_ALLOW_ASYNC_UNSAFE: set while browser tests run, when one pytest process runs everything.
    leaks = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leaks}
    env.update(DJANGO_SETTINGS_MODULE="parindex.settings", PARINDEX_VAR_DIR=str(tmp_path))
    plain = deploy_check(env)
    assert sorted(set(re.findall(r"security\.(W\d+)", plain.stderr))) == ["W004", "W008", "W012", "W016"]
    https = {**env, "HTTPS": "true"}
    assert re.findall(r"security\.(W\d+)", deploy_check(https).stderr) == ["W021"]  # HSTS preload: an explicit choice
    preload = deploy_check({**https, "HSTS_PRELOAD": "true"})
    assert "no issues" in preload.stdout, preload.stderr
