"""Lists read page by page against a server that pages as protector does."""

import urllib.parse

from protectorclient.tests.unit import test_client

GROUPS = [{'id': 'g%d' % i, 'name': 'group-%d' % i} for i in range(7)]


class PagingServer(object):
    """Answers a list as protector-api does: pages and next links.

    ``max_limit`` is the server's page size cap; every request is kept.
    """

    def __init__(self, url, collection, items, max_limit=3):
        self.url = url
        self.collection = collection
        self.items = items
        self.max_limit = max_limit
        self.queries = []

    def __call__(self, request, context):
        query = dict(urllib.parse.parse_qsl(
            urllib.parse.urlsplit(request.url).query))
        self.queries.append(query)
        limit = min(int(query.get('limit', self.max_limit)), self.max_limit)
        ids = [item['id'] for item in self.items]
        start = ids.index(query['marker']) + 1 if 'marker' in query else 0
        page = self.items[start:start + limit]
        body = {self.collection: page}
        if start + limit < len(self.items) and page:
            params = dict(query, limit=limit, marker=page[-1]['id'])
            body[self.collection + '_links'] = [{
                'rel': 'next',
                'href': 'http://proxy.internal/v1/x?'
                        + urllib.parse.urlencode(params)}]
        return body


class TestLists(test_client.ClientTestCase):

    def serve(self, url, collection, items=GROUPS, max_limit=3):
        server = PagingServer(url, collection, items, max_limit)
        self.http.get(url, json=server)
        return server

    def test_without_limit_every_page_is_read(self):
        server = self.serve(self.tenant('protection-groups'),
                            'protection_groups')

        groups = self.client.protection_groups.list()

        self.assertEqual(GROUPS, groups)
        # The next page is asked of the catalog's endpoint, not the host
        # of the link, with the marker of the link; the server's page
        # size applies.
        self.assertEqual([{}, {'marker': 'g2'}, {'marker': 'g5'}],
                         server.queries)

    def test_limit_stops_after_that_many(self):
        server = self.serve(self.tenant('protection-groups'),
                            'protection_groups')

        groups = self.client.protection_groups.list(limit=2)

        self.assertEqual(GROUPS[:2], groups)
        self.assertEqual([{'limit': '2'}], server.queries)

    def test_limit_above_the_servers_page_size_reads_more_pages(self):
        server = self.serve(self.tenant('protection-groups'),
                            'protection_groups')

        groups = self.client.protection_groups.list(limit=5)

        self.assertEqual(GROUPS[:5], groups)
        self.assertEqual([{'limit': '5'}, {'limit': '2', 'marker': 'g2'}],
                         server.queries)

    def test_marker_and_sort_are_sent(self):
        server = self.serve(self.tenant('protection-groups'),
                            'protection_groups')

        groups = self.client.protection_groups.list(
            all_projects=True, limit=2, marker='g3', sort_key='name',
            sort_dir='desc')

        self.assertEqual(GROUPS[4:6], groups)
        self.assertEqual([{'all_projects': 'true', 'limit': '2',
                           'marker': 'g3', 'sort_key': 'name',
                           'sort_dir': 'desc'}], server.queries)

    def test_filters_are_sent_with_every_page(self):
        server = self.serve(self.tenant('operations'), 'operations',
                            max_limit=4)

        self.client.operations.list(protection_group='web', status='failed')

        self.assertEqual(
            [{'protection_group': 'web', 'status': 'failed'},
             {'protection_group': 'web', 'status': 'failed',
              'marker': 'g3'}], server.queries)

    def test_server_without_pagination_is_one_request(self):
        self.http.get(self.admin('sites'), json={'sites': GROUPS})

        self.assertEqual(GROUPS, self.client.sites.list())
        self.assertEqual(['GET'], [r.method for r in
                                   self.http.request_history[1:]])

    def test_every_list_pages(self):
        lists = [
            (self.admin('sites'), 'sites', self.client.sites.list, ()),
            (self.admin('tenant-mappings'), 'tenant_mappings',
             self.client.tenant_mappings.list, ()),
            (self.admin('sites/site-b/volume-types'), 'volume_types',
             self.client.sites.list_volume_types, ('site-b',)),
            (self.tenant('protection-groups/web/members'), 'members',
             self.client.members.list, ('web',)),
            (self.tenant('protection-groups/web/recovery-points'),
             'recovery_points', self.client.recovery_points.list,
             ('web',)),
            (self.tenant('operations'), 'operations',
             self.client.operations.list, ()),
        ]
        for url, collection, list_function, args in lists:
            server = self.serve(url, collection)

            self.assertEqual(GROUPS, list_function(*args), url)
            self.assertEqual(3, len(server.queries), url)
            self.assertEqual(GROUPS[1:3], list_function(
                *args, limit=2, marker='g0', sort_key='id',
                sort_dir='asc'), url)
            self.assertEqual({'limit': '2', 'marker': 'g0',
                              'sort_key': 'id', 'sort_dir': 'asc'},
                             server.queries[-1], url)

    def test_recovery_points_ask_for_microversion_1_1_on_every_page(self):
        self.serve(self.tenant('protection-groups/web/recovery-points'),
                   'recovery_points')

        self.client.recovery_points.list('web')

        versions = [r.headers['OpenStack-API-Version']
                    for r in self.http.request_history[1:]]
        self.assertEqual(['protector 1.1'] * 3, versions)
