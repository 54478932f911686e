"""gunicorn entry point: `gunicorn services.orders.wsgi:app`."""

from services.orders.app import create_app

app = create_app()
