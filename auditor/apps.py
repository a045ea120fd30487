from django.apps import AppConfig

# Imported for its side effect: the module registers the start-up system checks.
from auditor import checks  # noqa: F401


class AuditorConfig(AppConfig):
    name = "auditor"
    verbose_name = "Auditor"
    default_auto_field = "django.db.models.BigAutoField"
