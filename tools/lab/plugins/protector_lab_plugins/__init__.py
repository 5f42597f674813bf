"""Plugins of the protector lab: test fixtures, never for production."""
