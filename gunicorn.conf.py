"""gunicorn settings for `make run` (and a server's systemd unit: `gunicorn -c gunicorn.conf.py`).

gunicorn has no setting for its `Server: gunicorn` banner, which tells a scanner what to try;
every response of the sync worker is built by Response.default_headers, so the banner line is
dropped there. This file runs in the master before the workers fork, so they all inherit it."""

from gunicorn.http import wsgi

wsgi_app = "parindex.wsgi"
workers = 3
accesslog = "-"
loglevel = "warning"

_default_headers = wsgi.Response.default_headers


def _default_headers_without_banner(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_banner
