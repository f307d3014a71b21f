"""The WSGI entry point (gunicorn serves ``smeportal.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeportal.settings")
application = get_wsgi_application()
