"""Celery entry point: ``celery -A services.notify.worker worker``."""

from services.notify.tasks import register
from shared.celery_app import create_celery

celery = create_celery("podium.notify")
register(celery)
