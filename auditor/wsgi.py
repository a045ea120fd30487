import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auditor.settings")

application = get_wsgi_application()

# gunicorn does not run Django's system checks: refuse unsafe configuration here.
from auditor.checks import fail_closed  # noqa: E402

fail_closed()
