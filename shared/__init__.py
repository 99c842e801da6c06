"""What Podium's services truly share: configuration, Redis, the bus, errors, auth, Celery."""
