"""Client for the protector REST API over a keystoneauth1 session.

The endpoint comes from the service catalog (service type ``protector``)
unless ``endpoint_override`` is given.  Catalog entries may or may not
carry the ``/v1`` suffix; both are accepted.  Every request sends
``OpenStack-API-Version: protector <api_version>``.  Tenant paths use the
project of the session's token.
"""

import re
import urllib.parse

from keystoneauth1 import adapter
from keystoneauth1 import exceptions as ks_exceptions

from protectorclient import exceptions
from protectorclient.v1 import consistency_groups
from protectorclient.v1 import health
from protectorclient.v1 import mappings
from protectorclient.v1 import members
from protectorclient.v1 import operations
from protectorclient.v1 import plans
from protectorclient.v1 import policies
from protectorclient.v1 import protection_groups
from protectorclient.v1 import recovery_points
from protectorclient.v1 import sites
from protectorclient.v1 import tenant_mappings

SERVICE_TYPE = 'protector'
API_VERSION_HEADER = 'OpenStack-API-Version'
DEFAULT_API_VERSION = '1.0'
# The newest API version this library knows.
MAX_API_VERSION = '1.5'

# A catalog URL may end in /v1 or /v1/<project_id>; the API root is what
# comes before.
_VERSIONED_SUFFIX = re.compile(r'/v1(/[^/]*)?/?$')


def normalize_api_version(version):
    """Return ``version`` as MAJOR.MINOR ('1' -> '1.0').

    :raises ValueError: when it is not of the form N or N.M.
    """
    version = str(version).strip()
    if not re.match(r'^\d+(\.\d+)?$', version):
        raise ValueError("Invalid protector API version '%s': expected "
                         "MAJOR.MINOR such as 1.0" % version)
    if '.' not in version:
        version += '.0'
    return version


class Client:
    """Entry point of the library; one attribute per resource."""

    def __init__(self, session, endpoint_override=None, region_name=None,
                 interface='public', api_version=DEFAULT_API_VERSION,
                 project_id=None):
        self.session = session
        self.api_version = normalize_api_version(api_version)
        self.region_name = region_name
        self.interface = interface or 'public'
        self._project_id = project_id
        self._root_url = None
        self._adapter = adapter.Adapter(
            session,
            service_type=SERVICE_TYPE,
            interface=self.interface,
            region_name=region_name,
            endpoint_override=endpoint_override,
            client_name='python-protectorclient')

        self.sites = sites.SiteManager(self)
        self.tenant_mappings = tenant_mappings.TenantMappingManager(self)
        self.protection_groups = (
            protection_groups.ProtectionGroupManager(self))
        self.members = members.MemberManager(self)
        self.policies = policies.PolicyManager(self)
        self.mappings = mappings.MappingManager(self)
        self.plans = plans.PlanManager(self)
        self.operations = operations.OperationManager(self)
        self.recovery_points = recovery_points.RecoveryPointManager(self)
        self.consistency_groups = (
            consistency_groups.ConsistencyGroupManager(self))
        self.health = health.HealthManager(self)
        # Versions a site refused (406): it is older than this library.
        self._unserved = set()

    @property
    def root_url(self):
        """The API root (scheme://host:port[/prefix]) without ``/v1``."""
        if self._root_url is None:
            try:
                url = self._adapter.get_endpoint()
            except ks_exceptions.EndpointNotFound:
                url = None
            if not url:
                raise exceptions.EndpointNotFound(
                    "No '%s' endpoint (interface %s%s) in the service "
                    "catalog. Register protector-api in Keystone or give "
                    "an endpoint override." % (
                        SERVICE_TYPE, self.interface,
                        ', region %s' % self.region_name
                        if self.region_name else ''))
            url = url.rstrip('/')
            self._root_url = _VERSIONED_SUFFIX.sub('', url)
        return self._root_url

    @property
    def project_id(self):
        """The project that tenant paths are scoped to."""
        project_id = self._project_id or self.session.get_project_id()
        if not project_id:
            raise exceptions.NoProjectScope(
                'The protector tenant API needs a project: authenticate '
                'with a project-scoped token (for example set '
                'OS_PROJECT_NAME).')
        return project_id

    @staticmethod
    def _join(*parts):
        return '/'.join(urllib.parse.quote(str(p), safe='') for p in parts)

    def admin_path(self, *parts):
        return '/v1/admin/' + self._join(*parts)

    def tenant_path(self, *parts):
        return '/v1/' + self._join(self.project_id, *parts)

    def _version_for(self, min_version):
        """The client's API version, raised to ``min_version`` if lower."""
        if min_version is None:
            return self.api_version

        def key(version):
            return tuple(int(part) for part in version.split('.'))
        return max(self.api_version, normalize_api_version(min_version),
                   key=key)

    def request(self, method, path, body=None, params=None,
                min_version=None, prefer_version=None):
        """Send one request; return the decoded JSON body or None.

        ``min_version``: the API version the call needs (DR operations
        need 1.1); the header asks for it when the client's is lower.
        ``prefer_version``: a version whose answer shows more (groups show
        their health from 1.2), or several, the newest first, asked for in
        the same way; a site that does not serve one (406) is asked again
        with the next, then with the version the call would use without
        them, and not asked for it again.

        :raises protectorclient.exceptions.HttpError: on a status >= 400.
        """
        version = self._version_for(min_version)
        if isinstance(prefer_version, str):
            prefer_version = (prefer_version,)
        for wanted in prefer_version or ():
            preferred = self._version_for(wanted)
            if wanted in self._unserved or preferred == version:
                continue
            try:
                return self._send(method, path, body, params, preferred)
            except exceptions.NotAcceptable as e:
                if e.error_code not in (None, 'version_not_supported'):
                    raise
                self._unserved.add(wanted)
        return self._send(method, path, body, params, version)

    def _send(self, method, path, body, params, version):
        headers = {
            API_VERSION_HEADER: 'protector %s' % version,
            'Accept': 'application/json',
        }
        kwargs = {'headers': headers, 'raise_exc': False}
        if body is not None:
            kwargs['json'] = body
        if params:
            kwargs['params'] = params
        resp = self._adapter.request(self.root_url + path, method, **kwargs)
        if resp.status_code >= 400:
            raise exceptions.from_response(resp)
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            raise exceptions.ClientException(
                'protector-api answered %s %s with a body that is not '
                'JSON.' % (method, path))

    def get(self, path, params=None, min_version=None, prefer_version=None):
        return self.request('GET', path, params=params,
                            min_version=min_version,
                            prefer_version=prefer_version)

    def post(self, path, body=None, min_version=None):
        return self.request('POST', path, body=body,
                            min_version=min_version)

    def put(self, path, body=None, prefer_version=None):
        return self.request('PUT', path, body=body,
                            prefer_version=prefer_version)

    def delete(self, path, params=None):
        return self.request('DELETE', path, params=params)
