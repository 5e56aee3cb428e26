"""Settings for PAR Index, read only from the environment (see .env.example)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class StrictEnv(environ.Env):
    """django-environ reads any unknown boolean as False ("HTTPS=ture" silently turned secure
    cookies and HSTS off). As in healthchecks' envbool, a value that is neither a yes nor a no
    (nor a whole number, for an int) stops start-up, naming the variable."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def _raw(self, var: str) -> str | None:
        value = self.ENVIRON.get(var)
        return None if value is None or not value.strip() else value.strip()

    def bool(self, var: str, default=environ.Env.NOTSET) -> bool:
        raw = self._raw(var)
        if raw is None:
            return super().bool(var, default=default)
        if raw.lower() in self.TRUE:
            return True
        if raw.lower() in self.FALSE:
            return False
        raise ImproperlyConfigured(f"{var}={raw!r} không hợp lệ: hãy ghi true hoặc false (biến môi trường / .env).")

    def int(self, var: str, default=environ.Env.NOTSET) -> int:
        raw = self._raw(var)
        if raw is None:
            return super().int(var, default=default)
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(
                f"{var}={raw!r} không hợp lệ: hãy ghi một số nguyên (biến môi trường / .env)."
            ) from None


env = StrictEnv()
environ.Env.read_env(BASE_DIR / ".env")

VAR_DIR = Path(env.str("PARINDEX_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """An explicit SECRET_KEY wins; otherwise one is generated once into an untracked file,
    so that a fresh install is safe without anyone having to invent a key."""
    explicit = env.str("SECRET_KEY", default="")
    if explicit:
        return explicit
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "auditlog",
    "axes",
    "parindex.core",
    "parindex.accounts",
    "parindex.organizations",
    "parindex.criteria",
    "parindex.plans",
    "parindex.notifications",
    "parindex.assessments",
    "parindex.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parindex.core.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "parindex.core.middleware.WorkingYearMiddleware",
    "parindex.accounts.middleware.PasswordChangeRequiredMiddleware",
    # axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parindex.urls"
WSGI_APPLICATION = "parindex.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["parindex.core.templatetags.fast_text"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parindex.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the reminder command and the web server write without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # Seconds a writer waits for another one's lock (a long import) before "database is locked".
    DATABASES["default"]["OPTIONS"]["timeout"] = env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login rate limit: after AXES_FAILURE_LIMIT wrong passwords for one user name from one
# address, that pair is locked out for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "parindex.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# How many reverse proxies in front append to X-Forwarded-For (0: clients connect directly);
# the login lockout and the survey limits both count per client address from it.
PROXY_COUNT = env.int("PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "parindex.core.client_ip.client_ip"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["parindex.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request when it is missing
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Sessions: an office PC is shared, so a session ends when the browser closes or after 8 hours.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every response, the public survey form included.
# Scripts only from our own static files (no inline script, no eval; data for charts comes in
# json_script blocks). Style attributes stay allowed (layout widths, tree indentation): they
# cannot run code, and url() in them is still held to img-src. data: covers Bootstrap's SVG icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# HTTPS-only settings: on by HTTPS=true, for a server behind TLS (see README).
HTTPS = env.bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Asking browsers to hard-code HTTPS for the domain cannot be undone quickly: an explicit choice.
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=False)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The first and last working year offered in the year switcher.
PARINDEX_FIRST_YEAR = env.int("PARINDEX_FIRST_YEAR", default=2019)

# Public survey form: answers allowed per network address, per device cookie and per campaign
# (all addresses together: a ceiling against floods that rotate cookies and addresses) in the
# window; counted in Redis when CACHE_URL is redis://, else in the database.
SURVEY_LIMIT_PER_IP = env.int("SURVEY_LIMIT_PER_IP", default=300)
SURVEY_LIMIT_PER_DEVICE = env.int("SURVEY_LIMIT_PER_DEVICE", default=5)
SURVEY_LIMIT_PER_CAMPAIGN = env.int("SURVEY_LIMIT_PER_CAMPAIGN", default=2000)
SURVEY_LIMIT_WINDOW = env.int("SURVEY_LIMIT_WINDOW_SECONDS", default=3600)
