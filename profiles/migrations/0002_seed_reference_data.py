from django.db import migrations
from django.utils.text import slugify

from profiles.taxonomy import FOCUS_AREAS, LANGUAGES, SPECIALTIES


def seed(apps, schema_editor):
    Specialty = apps.get_model("profiles", "Specialty")
    FocusArea = apps.get_model("profiles", "FocusArea")
    Language = apps.get_model("profiles", "Language")
    Group = apps.get_model("auth", "Group")
    for name, subs in SPECIALTIES.items():
        parent, _ = Specialty.objects.get_or_create(name=name, defaults={"slug": slugify(name), "is_acgme_core": True})
        for sub in subs:
            Specialty.objects.get_or_create(name=sub, defaults={"slug": slugify(sub), "parent": parent})
    for position, (name, description) in enumerate(FOCUS_AREAS):
        FocusArea.objects.get_or_create(
            name=name, defaults={"slug": slugify(name), "description": description, "position": position}
        )
    for code, name in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name})
    Group.objects.get_or_create(name="Coordinators")


class Migration(migrations.Migration):
    dependencies = [("profiles", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
