import pytest
from django.test import RequestFactory, override_settings

from parindex.core.client_ip import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "14.160.32.10", "127.0.0.1"),  # no proxy: a client-sent header is ignored
        (1, "14.160.32.10", "14.160.32.10"),  # nginx appended the client
        (1, "1.2.3.4, 14.160.32.10", "14.160.32.10"),  # the client's own claim on the left is not trusted
        (2, "14.160.32.10, 10.0.0.5", "14.160.32.10"),  # two proxies
        (2, "10.0.0.5", "127.0.0.1"),  # fewer entries than proxies: misconfigured, use the connection
        (1, "", "127.0.0.1"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(PROXY_COUNT=proxies):
        assert client_ip(request) == expected
