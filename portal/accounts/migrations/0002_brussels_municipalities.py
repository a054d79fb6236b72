"""The 19 municipalities of the Brussels-Capital Region: fee and Actiris rules depend on them.

Flemish municipalities arrive from the back office with the learners who live there.
"""

from django.db import migrations

BRUSSELS = [
    ("21001", "Anderlecht"),
    ("21002", "Oudergem"),
    ("21003", "Sint-Agatha-Berchem"),
    ("21004", "Brussel"),
    ("21005", "Etterbeek"),
    ("21006", "Evere"),
    ("21007", "Vorst"),
    ("21008", "Ganshoren"),
    ("21009", "Elsene"),
    ("21010", "Jette"),
    ("21011", "Koekelberg"),
    ("21012", "Sint-Jans-Molenbeek"),
    ("21013", "Sint-Gillis"),
    ("21014", "Sint-Joost-ten-Node"),
    ("21015", "Schaarbeek"),
    ("21016", "Ukkel"),
    ("21017", "Watermaal-Bosvoorde"),
    ("21018", "Sint-Lambrechts-Woluwe"),
    ("21019", "Sint-Pieters-Woluwe"),
]


def add_brussels(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    for nis_code, name in BRUSSELS:
        Municipality.objects.update_or_create(
            nis_code=nis_code, defaults={"name": name, "region": "brussels"}
        )


def remove_brussels(apps, schema_editor):
    Municipality = apps.get_model("accounts", "Municipality")
    Municipality.objects.filter(nis_code__in=[code for code, _ in BRUSSELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(add_brussels, remove_brussels)]
