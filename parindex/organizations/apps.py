from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "parindex.organizations"
    verbose_name = "Cơ cấu tổ chức"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.organizations import models

        auditlog.register(models.Organization)
        auditlog.register(models.OrganizationVersion)
        auditlog.register(models.OrganizationChange)
        auditlog.register(models.Membership)
