"""gunicorn entry point: `gunicorn services.delivery.wsgi:app`."""

from services.delivery.app import create_app

app = create_app()
