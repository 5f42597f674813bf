"""The OpenStack cloud driver: Nova, Neutron, Glance and Cinder of a site.

It talks to every service through openstacksdk on keystoneauth sessions
built from the site registration (``protector.common.keystone``).  The
sdk covers everything protector needs from Cinder (generic volume groups,
group types, manage and unmanage, volume transfers, attachments), so one
library and one family of errors is enough.

How the engine acts inside a tenant's project
---------------------------------------------
Decision: the **service user of the site registration** (``admin`` in
project ``service``) gives itself the ``member`` role (``[openstack_cloud]
project_role``) in the tenant's project on that site, through Keystone's
role assignment API with its own credentials, and then works with a token
scoped to exactly that project (``keystone.project_session``, cached per
site and project).  Tenant resources (servers, ports, volumes, groups) are
only ever read and changed with that token, so Nova, Neutron and Cinder
themselves keep each call inside the group's project: a server id of
another project is simply "not found", whatever the caller passes.  The
few calls that need an administrator (volume type extra specs, group
types, Cinder manage/unmanage, reading another user's key pair or a
server's user_data) use the service user's own token and check the owning
project of what they touch first (unmanage reads the volume inside the
project; manage lands the volume in the service project and moves it into
the tenant project at once with a Cinder volume transfer accepted by the
project-scoped session).

Why not Keystone trusts: a trust is created by the tenant user (the
trustor) while that user is logged in, for one Keystone.  The engine would
need one on each site, but a request reaches only one site's Keystone: the
trust on the peer site would have to be made by a tenant user logging into
the peer site beforehand.  A trust dies with its trustor (user deleted,
role removed, password policy) and nobody notices until the unplanned
failover that needs it, on the surviving site, when no tenant user is
around to renew it.  Trusts also cannot carry the admin-only calls
(manage, unmanage, group types) that DR needs anyway.  The service role
needs nothing from the tenant, works on the surviving site alone, and its
grants are visible to operators in ``openstack role assignment list
--user <service user>``.  The cost: the service user needs the right to
grant roles (it has, as ``admin``), and it becomes a member of every
protected project; a deployment that forbids that can give the role to the
service user itself beforehand (the grant is then a no-op).
"""

import time

from oslo_log import log as logging

from protector.common import driver_errors as errors
from protector.drivers.cloud.openstack import block_storage
from protector.drivers.cloud.openstack import capture
from protector.drivers.cloud.openstack import common
from protector.drivers.cloud.openstack import compute
from protector.drivers.cloud.openstack import network
from protector.drivers.cloud.openstack import quotas

LOG = logging.getLogger(__name__)


class OpenStackCloudDriver(capture.CaptureMixin, compute.ComputeMixin,
                           network.NetworkMixin,
                           block_storage.BlockStorageMixin,
                           quotas.QuotaMixin, common.Plumbing):
    """One site's OpenStack, as the engine needs it."""

    def check_services(self):
        return [self._check('compute', self._check_compute),
                self._check('block-storage', self._check_block_storage),
                self._check('network', self._check_network)]

    def _check(self, name, probe):
        started = time.monotonic()
        try:
            failure, detail = probe()
        except errors.DriverError as exc:
            return {'check': name, 'result': 'failed', 'detail': exc.msg}
        detail = '%s (%.2f s)' % (detail, time.monotonic() - started)
        return {'check': name, 'result': 'failed' if failure else 'passed',
                'detail': detail}

    def _services_up(self, name, binary, services):
        up = [s for s in services
              if s.binary == binary and s.state == 'up'
              and s.status == 'enabled']
        if not up:
            return True, ('no %s service is up and enabled on site %s; '
                          'start it and retry' % (binary, self.site.name))
        return False, '%d %s service(s) up' % (len(up), binary)

    def _check_compute(self):
        services = self.acall('list services', 'compute services',
                              lambda c: list(c.compute.services()))
        return self._services_up('compute', 'nova-compute', services)

    def _check_block_storage(self):
        services = self.acall('list services', 'block storage services',
                              lambda c: list(c.block_storage.services()))
        return self._services_up('block-storage', 'cinder-volume', services)

    def _check_network(self):
        networks = self.acall('list networks', 'networks',
                              lambda c: list(c.network.networks(limit=1)))
        return False, 'Neutron answers (%d network(s) seen)' % len(networks)
