"""The agenda service: meetings, rooms, sessions, published versions, calendar exports.

The app factory is ``services.agenda.app:create_app``; this package stays import-light so the
importer can be used without Flask.
"""
