from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "parindex.organizations"
    verbose_name = "Cơ cấu tổ chức"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.organizations import models

        noise = ["id", "created_at", "updated_at"]
        for model in (
            models.Organization,
            models.OrganizationVersion,
            models.OrganizationChange,
            models.Membership,
        ):
            auditlog.register(model, exclude_fields=noise)
