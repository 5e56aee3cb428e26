from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parindex.accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.accounts.models import User

        auditlog.register(User, exclude_fields=["id", "password", "last_login", "date_joined"])
