from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "parindex.assessments"
    verbose_name = "Tự đánh giá và thẩm định"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from parindex.assessments import models

        noise = ["id", "created_at", "updated_at", "version"]
        for model in (models.AssessmentRound, models.Assessment, models.Answer, models.Evidence):
            auditlog.register(model, exclude_fields=noise)
