"""Resource managers of protector API v1."""
