import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_a_form_sent_without_its_csrf_cookie_explains_in_vietnamese_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "admin", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không gửi được biểu mẫu" in page
    assert "tải lại trang" in page
    assert "CSRF" not in page
