from django.db import migrations


def build(apps, schema_editor):
    """The existing answers' counts, as rebuild_survey_tallies computes them."""
    from parindex.surveys.tallies import rebuild

    rebuild(
        models=(
            apps.get_model("surveys", "Response"),
            apps.get_model("surveys", "ResponseTally"),
            apps.get_model("surveys", "ImprovementTally"),
        )
    )


def empty(apps, schema_editor):
    apps.get_model("surveys", "ResponseTally").objects.all().delete()
    apps.get_model("surveys", "ImprovementTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_response_tallies"),
    ]

    operations = [migrations.RunPython(build, empty)]
