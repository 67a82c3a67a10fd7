"""A family whose personal data was erased is named （削除済み） in full-width brackets, as the
rest of the Japanese on the desk writes them; rows erased before read (削除済み)."""

from django.db import migrations

BEFORE, AFTER = "(削除済み)", "（削除済み）"


def forwards(apps, schema_editor):
    apps.get_model("consultations", "Appointment").objects.filter(name=BEFORE).update(name=AFTER)


def backwards(apps, schema_editor):
    apps.get_model("consultations", "Appointment").objects.filter(name=AFTER).update(name=BEFORE)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_type_display_order")]
    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
