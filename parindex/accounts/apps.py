from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parindex.accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.accounts.models import User

        # The password is recorded by the services as "changed, by whom", never as its hash; the
        # must-change flag goes with it.
        auditlog.register(
            User, exclude_fields=["id", "password", "must_change_password", "last_login", "date_joined", "updated_at"]
        )
