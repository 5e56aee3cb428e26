from django.apps import AppConfig


class CriteriaConfig(AppConfig):
    name = "parindex.criteria"
    verbose_name = "Bộ tiêu chí"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.criteria import models

        noise = ["id", "created_at", "updated_at"]
        auditlog.register(models.CriteriaSet, exclude_fields=noise)
        auditlog.register(models.Criterion, exclude_fields=noise)
        auditlog.register(models.CriterionAssignment, exclude_fields=noise)
