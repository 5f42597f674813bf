"""In-memory storage driver for tests."""

from protector.drivers.storage import base


class FakeStorageDriver(base.StorageDriver):

    def check_array(self, url, api_token):
        if url.startswith('fake://'):
            return {'check': 'array', 'result': 'passed',
                    'detail': 'fake array %s answers' % url}
        return {'check': 'array', 'result': 'failed',
                'detail': 'the fake storage driver only knows fake:// '
                          'arrays, not %s' % url}
