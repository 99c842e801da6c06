"""Badges: Ed25519-signed QR tokens, their keys (rotation, retirement) and printable sheets."""
