from django.apps import AppConfig

# Imported for its side effect: the module registers the start-up system checks.
from auditor import checks  # noqa: F401


class AuditorConfig(AppConfig):
    name = "auditor"
    verbose_name = "Auditor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: the receivers import models, which exist only once the
        # app registry is ready.
        from auditor import signals  # noqa: F401
