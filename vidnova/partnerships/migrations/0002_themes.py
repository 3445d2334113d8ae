"""The shared theme taxonomy, from data/themes.csv (coordinators adjust it in the admin later)."""

import csv
from pathlib import Path

from django.db import migrations

THEMES_CSV = Path(__file__).resolve().parent.parent / "data" / "themes.csv"


def load_themes(apps, schema_editor):  # type: ignore[no-untyped-def]
    Theme = apps.get_model("partnerships", "Theme")
    with THEMES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            Theme.objects.update_or_create(
                code=row["code"],
                defaults={
                    "field": int(row["field"]),
                    "sort_order": int(row["sort_order"]),
                    "dimensions": row["dimensions"].split(),
                    "name_uk": row["name_uk"],
                    "name_en": row["name_en"],
                    "name_nl": row["name_nl"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_partnerships")]

    operations = [migrations.RunPython(load_themes, migrations.RunPython.noop)]
