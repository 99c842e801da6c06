"""The notify service: notices API, the bus consumer that plans notices, the Celery worker
that sends them. The app factory is ``services.notify.app:create_app``."""
