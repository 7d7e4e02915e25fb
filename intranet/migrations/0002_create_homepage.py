"""Replace Wagtail's placeholder "Welcome" page with the portal's Startseite as site root."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("intranet.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    homepage_content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="intranet")
    locale = Locale.objects.get_or_create(language_code="de")[0]
    homepage = HomePage.objects.create(
        title="Startseite",
        draft_title="Startseite",
        slug="startseite",
        content_type=homepage_content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/startseite/",
        locale=locale,
        intro="<p>Willkommen im Mitarbeiterportal der Stadtverwaltung.</p>",
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": homepage, "site_name": "Mitarbeiterportal"},
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("intranet.HomePage").objects.filter(slug="startseite", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("intranet", "0001_initial"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
