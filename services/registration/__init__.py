"""The registration service: delegates, accreditation, session sign-up, badges, door checks.

The app factory is ``services.registration.app:create_app``.
"""
