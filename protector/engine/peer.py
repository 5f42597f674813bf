"""REST calls from this site's engine to the peer site's protector-api."""

from keystoneauth1 import exceptions as ks_exc
from oslo_log import log as logging

from protector.common import exception
from protector.common import keystone

LOG = logging.getLogger(__name__)
API_VERSION = 'protector 1.0'


class PeerClient(object):
    """Talks to the protector-api of ``site`` with its service user."""

    def __init__(self, site):
        self.site = site
        self.session = keystone.site_session(site)

    def _request(self, method, path, group_name, **kwargs):
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
                headers={'OpenStack-API-Version': API_VERSION}, **kwargs)
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
                reason='protector-api answered HTTP %d'
                % response.status_code)
        return response

    @staticmethod
    def _error(response):
        try:
            return response.json()['error']['message']
        except (ValueError, KeyError, TypeError):
            return 'HTTP %d' % response.status_code

    def get_version(self, group_id, group_name):
        """The peer's metadata version of a group, or None if it has none."""
        response = self._request(
            'GET', '/v1/admin/sync/protection-groups/%s' % group_id,
            group_name)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise exception.Conflict(
                reason="Peer site '%s' refused to report the version of "
                       "protection group '%s': %s"
                % (self.site.name, group_name, self._error(response)))
        return response.json()['metadata']['version']

    def push_back(self, group_id, group_name):
        """Ask the peer to force its copy of the group onto this site."""
        response = self._request(
            'POST', '/v1/admin/sync/protection-groups/%s/push-back'
            % group_id, group_name)
        if response.status_code != 200:
            raise exception.Conflict(
                reason="Peer site '%s' could not send its copy of "
                       "protection group '%s': %s"
                % (self.site.name, group_name, self._error(response)))

    def push(self, document, group_name, force=False):
        response = self._request(
            'PUT', '/v1/admin/sync/protection-groups/%s' % document['id'],
            group_name, json={'metadata': {'version': document['version'],
                                           'force': force,
                                           'document': document}})
        if response.status_code != 200:
            raise exception.Conflict(
                reason="Peer site '%s' refused version %d of protection "
                       "group '%s': %s"
                % (self.site.name, document['version'], group_name,
                   self._error(response)))
        return response.json()['metadata']['version']

    def delete(self, group_id, group_name):
        response = self._request(
            'DELETE', '/v1/admin/sync/protection-groups/%s' % group_id,
            group_name)
        if response.status_code not in (204, 404):
            raise exception.Conflict(
                reason="Peer site '%s' could not delete protection group "
                       "'%s': %s" % (self.site.name, group_name,
                                     self._error(response)))
