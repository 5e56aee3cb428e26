"""An index for the audit log page, which filters django-auditlog's table on the organization an
entry is about and orders it by time: without it a department admin's page read 10⁶ entries.
auditlog's model is not ours to change (its Meta), so the index is made here, from the expression
the page's filter compiles (parindex.core.selectors.AuditOrganization), so that both are the same SQL."""

from django.db import migrations, models
from django.db.models import F

from parindex.core.selectors import AuditOrganization

INDEX = models.Index(AuditOrganization(F("additional_data")), F("timestamp").desc(), name="audit_org_time_idx")


def add_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("auditlog", "LogEntry"), INDEX)


def remove_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("auditlog", "LogEntry"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(add_index, remove_index)]
