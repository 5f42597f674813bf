"""What the engine needs from a storage array."""

import abc


class StorageDriver(object, metaclass=abc.ABCMeta):

    @abc.abstractmethod
    def check_array(self, url, api_token):
        """Check that the array at ``url`` answers and accepts the token.

        :returns: ``{'check': 'array', 'result', 'detail'}``
        """
