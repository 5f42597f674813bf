"""What every resource manager shares."""

from protectorclient import exceptions

# The API version of DR operations, recovery points and consistency
# groups.
OPERATIONS_VERSION = '1.1'


class Manager:
    """Calls of one resource; returns plain dicts and lists."""

    def __init__(self, client):
        self.client = client

    @staticmethod
    def _unwrap(body, key):
        """Return ``body[key]`` of a response wrapped in its resource key."""
        if not isinstance(body, dict) or key not in body:
            raise exceptions.ClientException(
                "Unexpected response from protector-api: no '%s' key."
                % key)
        return body[key]

    @staticmethod
    def _given(**fields):
        """The keyword arguments whose value is not None."""
        return {k: v for k, v in fields.items() if v is not None}
