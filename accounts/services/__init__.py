"""Writes for accounts: one function per business action (see README "Architecture")."""
