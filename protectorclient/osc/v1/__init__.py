"""Commands of protector API v1."""
