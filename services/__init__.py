"""Podium's services: agenda, registration, notify. None imports another."""
