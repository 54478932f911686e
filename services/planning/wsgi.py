"""gunicorn entry point: `gunicorn services.planning.wsgi:app`."""

from services.planning.app import create_app

app = create_app()
