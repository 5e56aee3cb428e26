from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "parindex.plans"
    verbose_name = "Kế hoạch và nhiệm vụ"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.plans import models

        noise = ["id", "created_at", "updated_at"]
        for model in (models.Plan, models.Task, models.Occurrence, models.ExtensionRequest, models.CalendarDay):
            auditlog.register(model, exclude_fields=noise)
