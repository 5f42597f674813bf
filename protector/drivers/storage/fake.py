"""In-memory storage driver for tests.

It knows the arrays whose URL is ``fake://...`` or whose host is under the
reserved ``.test`` domain (``https://fa-a.test``), which a replication
policy accepts.
"""

from urllib import parse

from protector.drivers.storage import base


class FakeStorageDriver(base.StorageDriver):

    def check_array(self, url, api_token):
        host = parse.urlparse(url).hostname or ''
        if url.startswith('fake://') or host.endswith('.test'):
            return {'check': 'array', 'result': 'passed',
                    'detail': 'fake array %s answers' % url}
        return {'check': 'array', 'result': 'failed',
                'detail': 'the fake storage driver only knows fake:// '
                          'arrays and hosts under .test, not %s' % url}
