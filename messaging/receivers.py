"""Messaging's answers to account events (sessions ended, users cut off)."""
