"""Celery entry point: ``celery -A services.notify.worker worker``."""

from services.notify.tasks import register
from shared import logs
from shared.celery_app import create_celery

celery = create_celery("podium.notify")
# podium's JSON logs, each line with the request id of the task's cause (see celery_app).
logs.configure(celery.conf.podium["LOG_LEVEL"], celery.conf.podium["LOG_JSON"])
register(celery)
