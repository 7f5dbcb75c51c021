"""Entry point for gunicorn: `gunicorn -w 4 -b 0.0.0.0:8000 wsgi:app` (set SECRET_KEY and DATABASE_URL)."""

import os

os.environ.setdefault("GRANTS_ENV", "production")

from grants import create_app  # noqa: E402

app = create_app()
