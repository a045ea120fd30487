import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auditor.settings")
django.setup(set_prefix=False)

# gunicorn does not run Django's system checks: refuse unsafe configuration first.
from auditor.checks import fail_closed  # noqa: E402

fail_closed()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
