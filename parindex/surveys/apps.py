from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "parindex.surveys"
    verbose_name = "Khảo sát hài lòng"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.surveys import models

        auditlog.register(models.Campaign, exclude_fields=["id", "created_at", "updated_at"])
        auditlog.register(models.Response, include_fields=["excluded", "exclusion_reason"])
