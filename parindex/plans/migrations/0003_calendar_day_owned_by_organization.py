"""Days off and make-up days belong to an organization instead of the whole installation.

Existing rows were global: every plan of every department counted them. So that no deadline
moves during the upgrade, each row is attached to every top-level organization (the provinces
of the tree), which keeps it applying to everyone it applied to before. A province admin or a
superuser then deletes the copies that only one department meant (the list names the owner);
a department admin adds his own days to his department from now on.
"""

import django.db.models.deletion
from django.db import migrations, models


def attach_to_top_level_organizations(apps, schema_editor):
    CalendarDay = apps.get_model("plans", "CalendarDay")
    OrganizationVersion = apps.get_model("organizations", "OrganizationVersion")
    roots = sorted(
        set(OrganizationVersion.objects.filter(parent__isnull=True).values_list("organization_id", flat=True))
    )
    for row in CalendarDay.objects.filter(organization__isnull=True):
        if not roots:
            row.delete()  # no organization at all: no plan could use the day
            continue
        first, *others = roots
        for root in others:
            CalendarDay.objects.create(organization_id=root, day=row.day, kind=row.kind, note=row.note)
        row.organization_id = first
        row.save(update_fields=["organization"])


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
        ("plans", "0002_vietnamese_field_labels"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="calendarday",
            options={
                "ordering": ["day"],
                "verbose_name": "Ngày nghỉ bù, làm bù",
                "verbose_name_plural": "Ngày nghỉ bù, làm bù",
            },
        ),
        migrations.AlterField(
            model_name="calendarday",
            name="day",
            field=models.DateField(verbose_name="Ngày"),
        ),
        migrations.AddField(
            model_name="calendarday",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="calendar_days",
                to="organizations.organization",
                verbose_name="Áp dụng cho",
            ),
        ),
        migrations.RunPython(attach_to_top_level_organizations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="calendarday",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="calendar_days",
                to="organizations.organization",
                verbose_name="Áp dụng cho",
            ),
        ),
        migrations.AddConstraint(
            model_name="calendarday",
            constraint=models.UniqueConstraint(
                fields=("organization", "day"), name="calendarday_one_per_organization_and_day"
            ),
        ),
    ]
