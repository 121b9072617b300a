import uuid

import django.db.models.deletion
from django.db import migrations, models


def tokens_for_existing(apps, schema_editor):
    """Every initiative gets its first version token (new ones get theirs when saved)."""
    Initiative = apps.get_model("initiatives", "Initiative")
    FigureVersion = apps.get_model("rollups", "FigureVersion")
    FigureVersion.objects.bulk_create(
        FigureVersion(initiative_id=pk, token=uuid.uuid4().hex)
        for pk in Initiative.objects.values_list("pk", flat=True)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0008_content_translations'),
        ('rollups', '0002_organisation_index_leads'),
    ]

    operations = [
        migrations.CreateModel(
            name='FigureVersion',
            fields=[
                ('initiative', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='initiatives.initiative')),
                ('token', models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(tokens_for_existing, migrations.RunPython.noop),
    ]
