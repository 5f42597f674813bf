"""REST calls from this site's engine to the peer site's protector-api.

The peer answers its refusals with an ``error_code``; they come back here
as the same typed errors, so the caller knows whether the peer refused
(a 4xx: nothing changed there) or could not be reached (``PeerUnreachable``:
the request may or may not have been applied).
"""

from keystoneauth1 import exceptions as ks_exc
from oslo_log import log as logging

from protector.common import exception
from protector.common import keystone

LOG = logging.getLogger(__name__)
API_VERSION = 'protector 1.0'
# The version whose copies show their local-only changes.
LOCAL_CHANGES_VERSION = 'protector 1.5'
_PATH = '/v1/admin/sync/protection-groups/%s'

# What the peer's refusals mean here.
_REFUSALS = {cls.error_code: cls for cls in (
    exception.ChangeInProgress, exception.VersionConflict,
    exception.OperationRunning, exception.Duplicate, exception.NotFound,
    exception.InvalidState, exception.LocalChangesHeld)}


class PeerClient(object):
    """Talks to the protector-api of ``site`` with its service user."""

    def __init__(self, site):
        self.site = site
        self.session = keystone.site_session(site)

    def _request(self, method, path, group_name, version=API_VERSION,
                 **kwargs):
        try:
            endpoint = self.session.get_endpoint(
                service_type='protector', interface='public',
                region_name=self.site.region_name)
            if not endpoint:
                raise ks_exc.EndpointNotFound(
                    'no protector endpoint in region %s'
                    % self.site.region_name)
            response = self.session.request(
                endpoint.rstrip('/') + path, method, raise_exc=False,
                headers={'OpenStack-API-Version': version}, **kwargs)
        except ks_exc.Unauthorized:
            raise exception.PeerUnreachable(
                site=self.site.name, group=group_name,
                reason='its Keystone refused the service credentials '
                       'registered for it')
        except ks_exc.EndpointNotFound as exc:
            raise exception.PeerUnreachable(
                site=self.site.name, group=group_name,
                reason='Keystone catalog: %s' % exc)
        except ks_exc.ClientException as exc:
            raise exception.PeerUnreachable(
                site=self.site.name, group=group_name,
                reason=type(exc).__name__)
        if response.status_code >= 500:
            raise exception.PeerUnreachable(
                site=self.site.name, group=group_name,
                reason='protector-api answered HTTP %d%s'
                % (response.status_code, self._error_code(response)))
        return response

    @staticmethod
    def _error(response):
        try:
            error = response.json()['error']
            return error['message'], error.get('error_code')
        except (ValueError, KeyError, TypeError):
            return 'HTTP %d' % response.status_code, None

    def _error_code(self, response):
        code = self._error(response)[1]
        return ' (%s)' % code if code else ''

    def _refused(self, response, what):
        """The typed error of a refusal by the peer."""
        message, code = self._error(response)
        cls = _REFUSALS.get(code, exception.Conflict)
        return cls("Peer site '%s' refused %s: %s"
                   % (self.site.name, what, message))

    def versions(self):
        """``{group id: (version, digest)}`` of every copy on the peer."""
        response = self._request('GET', _PATH.rsplit('/', 1)[0], '*',
                                 version='protector 1.2')
        if response.status_code != 200:
            raise self._refused(response, 'to list its protection groups')
        return {m['id']: (m['version'], m['digest'])
                for m in response.json()['metadata']}

    def get(self, group_id, group_name):
        """The peer's copy of a group, or None when it has none.

        ``{version, digest, lease, local_changes}``; a peer older than 1.5
        makes no local-only changes, and its answer to 1.0 shows none.
        """
        response = self._request('GET', _PATH % group_id, group_name,
                                 version=LOCAL_CHANGES_VERSION)
        if response.status_code == 406:
            response = self._request('GET', _PATH % group_id, group_name)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._refused(response, "to report protection group "
                                          "'%s'" % group_name)
        return response.json()['metadata']

    def reserve(self, group_id, group_name, holder, base, seconds):
        """Hold the peer's copy for the change ``holder`` is making.

        The peer refuses unless its copy is at ``base`` (version, digest)
        and nothing else holds it.
        """
        response = self._request(
            'POST', _PATH % group_id + '/reserve', group_name,
            json={'reservation': {'holder': holder, 'version': base[0],
                                  'digest': base[1], 'seconds': seconds}})
        if response.status_code != 200:
            raise self._refused(response, "a change of protection group "
                                          "'%s'" % group_name)

    def release(self, group_id, group_name, holder):
        """Let go of a reservation (best effort: it expires anyway)."""
        try:
            self._request('POST', _PATH % group_id + '/release', group_name,
                          json={'reservation': {'holder': holder}})
        except exception.PeerUnreachable as exc:
            LOG.warning('Reservation %(holder)s of protection group '
                        '%(group)s on %(site)s not released (%(error)s); '
                        'it expires by itself',
                        {'holder': holder, 'group': group_id,
                         'site': self.site.name, 'error': exc})

    def push(self, document, group_name, digest, base, holder=None,
             force=False):
        """Send a version; returns the peer's (version, digest)."""
        response = self._request(
            'PUT', _PATH % document['id'], group_name,
            json={'metadata': {
                'version': document['version'], 'digest': digest,
                'base': None if base is None else {'version': base[0],
                                                   'digest': base[1]},
                'holder': holder, 'force': force, 'document': document}})
        if response.status_code != 200:
            raise self._refused(response, "version %d of protection group "
                                          "'%s'" % (document['version'],
                                                    group_name))
        metadata = response.json()['metadata']
        return metadata['version'], metadata['digest']

    def push_back(self, group_id, group_name, holder):
        """Ask the peer to force its copy of the group onto this site."""
        response = self._request(
            'POST', _PATH % group_id + '/push-back', group_name,
            json={'reservation': {'holder': holder}})
        if response.status_code != 200:
            raise self._refused(response, "to send its copy of protection "
                                          "group '%s'" % group_name)

    def delete(self, group_id, group_name, holder):
        response = self._request('DELETE', _PATH % group_id, group_name,
                                 params={'holder': holder})
        if response.status_code not in (204, 404):
            raise self._refused(response, "to delete protection group "
                                          "'%s'" % group_name)
