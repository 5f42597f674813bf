"""What every resource manager shares."""

import urllib.parse

from protectorclient import exceptions

# The API version of DR operations, recovery points and consistency
# groups.
OPERATIONS_VERSION = '1.1'
# The API version of protection health: a group's RPO grade and failover
# readiness, their history, the admin summary.
HEALTH_VERSION = '1.2'
# The API version whose operations show the engine that runs them.
ENGINE_VERSION = '1.3'
# The API version of recovery plans in the whole Acura format, whose
# import answers warnings.
ACURA_PLAN_VERSION = '1.4'
# The API version of changes made on one site alone ("local": true), and
# of groups and sync status that show them.
LOCAL_CHANGES_VERSION = '1.5'


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

    def _change(self, method, path, body, local):
        """Send a change of the plan, mappings or policy.

        ``local``: made on the site alone if its peer is unreachable, which
        needs API 1.5; otherwise the request is the same as before 1.5.
        """
        if not local:
            return self.client.request(method, path, body=body)
        return self.client.request(method, path, body=dict(body, local=True),
                                   min_version=LOCAL_CHANGES_VERSION)

    @staticmethod
    def _given(**fields):
        """The keyword arguments whose value is not None."""
        return {k: v for k, v in fields.items() if v is not None}

    def _list(self, path, key, params=None, limit=None, marker=None,
              sort_key=None, sort_dir=None, min_version=None,
              prefer_version=None):
        """The items of a list, read page by page.

        Without ``limit``, every item after ``marker``: the server's
        ``next`` links are followed to the end. With ``limit``, at most
        that many, also across pages when the server's page size
        (``[api] max_limit``) is smaller. A server without pagination
        answers everything in one page.
        """
        params = dict(params or {})
        params.update(self._given(sort_key=sort_key, sort_dir=sort_dir))
        items = []
        while True:
            query = dict(params)
            if marker is not None:
                query['marker'] = marker
            if limit is not None:
                query['limit'] = limit - len(items)
            body = self.client.get(path, params=query or None,
                                   min_version=min_version,
                                   prefer_version=prefer_version)
            page = self._unwrap(body, key)
            items.extend(page)
            marker = _next_marker(body.get(key + '_links'))
            if (marker is None or not page or
                    (limit is not None and len(items) >= limit)):
                return items


def _next_marker(links):
    """The marker of a list's ``next`` link, or None on the last page.

    Only the marker is taken from the link: the next page is asked of the
    endpoint of the catalog, which may differ from the host the server
    saw (a proxy, another interface).
    """
    for link in links or []:
        if link.get('rel') == 'next':
            query = urllib.parse.urlsplit(link.get('href', '')).query
            markers = urllib.parse.parse_qs(query).get('marker')
            if markers:
                return markers[-1]
    return None
