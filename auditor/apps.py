from django.apps import AppConfig


class AuditorConfig(AppConfig):
    name = "auditor"
    verbose_name = "Auditor"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditor import checks  # noqa: F401  (registers the system checks)
