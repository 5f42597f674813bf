"""Pages of the lists of the API: limit, marker, sort_key and sort_dir.

As in Nova and Cinder: a list answers at most ``limit`` items (never more
than ``[api] max_limit``, and that many when ``limit`` is left out), those
after the item whose id is ``marker``, sorted by ``sort_key`` in
``sort_dir``; ``id`` breaks ties, so pages neither repeat nor skip an
item.  When more items follow, the body links to the next page::

    "protection_groups_links": [
        {"rel": "next", "href": ".../protection-groups?limit=50&marker=ID"}]

A list handler declares its parameters with :func:`query` in its
``endpoint.declare``; :func:`requested` reads them back from that
declaration, so the sort keys a list accepts are written once and are
what the OpenAPI description publishes.
"""

import dataclasses
import urllib.parse

from oslo_config import cfg

from protector.common import exception

CONF = cfg.CONF
SORT_DIRS = ('asc', 'desc')
PAGE_PARAMETERS = ('limit', 'marker', 'sort_key', 'sort_dir')
MAX_MARKER_LENGTH = 255


def query(sort_keys, default_sort, **filters):
    """The query parameters of a list sorted by one of ``sort_keys``.

    ``default_sort`` says in words how the list is sorted without
    ``sort_key``; ``filters`` are the list's other parameters (name ->
    JSON Schema).
    """
    parameters = {
        'limit': {
            'type': 'integer', 'minimum': 0,
            'title': 'Most items in the page; at most, and by '
                     'default, [api] max_limit (1000).'},
        'marker': {
            'type': 'string', 'minLength': 1,
            'maxLength': MAX_MARKER_LENGTH,
            'title': 'id of the last item of the previous page; '
                     'the page starts after it.'},
        'sort_key': {
            'type': 'string', 'enum': list(sort_keys),
            'title': 'Field the items are sorted by, id breaking '
                     'ties. Default: %s.' % default_sort},
        'sort_dir': {
            'type': 'string', 'enum': list(SORT_DIRS),
            'title': 'asc or desc. Default: the direction of the '
                     'default sort.'},
    }
    parameters.update(filters)
    return parameters


def _limit(value):
    """The page size: at most, and by default, ``[api] max_limit``.

    The router checked the value against the declared schema.
    """
    if value is None:
        return CONF.api.max_limit
    return min(int(value), CONF.api.max_limit)


@dataclasses.dataclass
class Page(object):
    """One page of a list, as the request asked for it."""

    limit: int
    marker: str = None
    sort_key: str = None
    sort_dir: str = None
    # Whether items follow this page; known once the page is read.
    more: bool = False

    def fetch(self, list_function, *args, **kwargs):
        """This page from a db list function (one query).

        It reads one row more than the page holds to learn whether
        another page follows.
        """
        rows = list_function(*args, limit=self.limit + 1,
                             marker=self.marker, sort_key=self.sort_key,
                             sort_dir=self.sort_dir, **kwargs)
        self.more = len(rows) > self.limit
        return rows[:self.limit]

    def cut(self, items, kind, default_key, default_dir):
        """This page of a list the engine returned whole.

        ``items`` are dicts with an ``id``; ``kind`` names them in the
        error of a marker that is not among them.
        """
        key = self.sort_key or default_key
        ordered = sorted(
            items, key=lambda item: (str(item.get(key) or ''),
                                     str(item['id'])),
            reverse=(self.sort_dir or default_dir) == 'desc')
        if self.marker is not None:
            ids = [str(item['id']) for item in ordered]
            if self.marker not in ids:
                raise exception.InvalidMarker(kind=kind, marker=self.marker)
            ordered = ordered[ids.index(self.marker) + 1:]
        self.more = len(ordered) > self.limit
        return ordered[:self.limit]

    def body(self, req, collection, items):
        """The response body: the items and, if more follow, a link."""
        body = {collection: items}
        if self.more and items:
            body[collection + '_links'] = [
                {'rel': 'next', 'href': self._next(req, items[-1]['id'])}]
        return body

    def _next(self, req, marker):
        # The request's own parameters (filters, sort) carry over.
        params = [(name, value) for name, value in req.GET.items()
                  if name not in ('limit', 'marker')]
        params += [('limit', self.limit), ('marker', marker)]
        return req.path_url + '?' + urllib.parse.urlencode(params)


def requested(req):
    """The page a list request asks for (checked by the router)."""
    return Page(limit=_limit(req.GET.get('limit')),
                marker=req.GET.get('marker'),
                sort_key=req.GET.get('sort_key'),
                sort_dir=req.GET.get('sort_dir'))
