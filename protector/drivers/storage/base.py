"""What the engine needs from a storage array."""

import abc


class StorageDriver(object, metaclass=abc.ABCMeta):

    @abc.abstractmethod
    def check_array(self, url, api_token):
        """Return a check ``{'check': 'array', 'result', 'detail'}`` of
        the array at ``url``: reachable, token accepted, replication
        possible."""
