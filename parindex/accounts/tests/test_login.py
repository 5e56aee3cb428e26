import pytest
from django.conf import settings
from django.urls import reverse

from parindex.accounts.forms import ERR_LOGIN

pytestmark = pytest.mark.usefixtures("demo")


def post_login(client, password, username="chuyenvien"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_logs_in_and_lands_on_the_dashboard(client):
    response = post_login(client, "Demo@2024")
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert "Tổng quan" in client.get(reverse("dashboard")).content.decode()


def test_it_shows_a_clear_vietnamese_message_on_a_wrong_password(client):
    response = post_login(client, "sai-mat-khau")
    assert response.status_code == 200
    assert ERR_LOGIN in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_it_keeps_the_typed_username_after_a_wrong_password(client):
    assert 'value="chuyenvien"' in post_login(client, "sai").content.decode()


def test_it_locks_out_after_repeated_failures_even_for_the_right_password(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "sai")
    response = post_login(client, "Demo@2024")
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_it_does_not_lock_out_other_users(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_login(client, "sai")
    assert post_login(client, "Demo@2024", username="lanhdao").status_code == 302


def test_it_forgets_failures_after_a_successful_login(client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "sai")
    assert post_login(client, "Demo@2024").status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "sai")
    assert post_login(client, "Demo@2024").status_code == 302


def test_it_logs_out_with_post(client):
    post_login(client, "Demo@2024")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302
