"""Shared test setup: plain static storage (no manifest needed), fast hashing, and personas."""

from __future__ import annotations

import io
import os
import tempfile

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from parindex.core.demo_data import DEMO_PASSWORD

# Property tests on a loaded 2-core CI machine: generation time and per-example time say
# nothing about correctness there (test_ratio_rules_never_give_fewer_points_for_more_done failed
# "Input generation is slow" and hid the rest of the run). The "ci" profile keeps the example
# count fixed and drops both timing checks; HYPOTHESIS_PROFILE=default brings Hypothesis' own back.
hypothesis_settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config) -> None:
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="parindex-media-")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


def _seed_demo() -> None:
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo data once per test database; each test's transaction rolls back to it."""
    with django_db_blocker.unblock():
        _seed_demo()


@pytest.fixture
def demo(db):
    """The demo organizations and users (reloaded after a transactional test flushed them)."""
    from parindex.organizations.models import Organization

    if not Organization.objects.filter(code="bp").exists():
        _seed_demo()


@pytest.fixture
def outsider(db, django_user_model):
    """A logged-in user with no role anywhere."""
    return django_user_model.objects.create_user(username="ngoai", password=DEMO_PASSWORD, full_name="Người ngoài")


@pytest.fixture
def login_as(client, django_user_model):
    def _login(username: str):
        client.force_login(django_user_model.objects.get(username=username))
        return client

    return _login


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: rolled-back rows keep their ids and stamps, so an
    entry written by one test (a set structure, a rate-limit counter) must not reach the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
