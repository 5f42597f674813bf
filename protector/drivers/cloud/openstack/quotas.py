"""Quotas: the limits and use of what a failover creates, per project.

The health watch reads them for every protected project once a minute.
The service user holds ``admin`` in its own project, which lets its own
token read the quotas of any project: no role grant and no token per
project, and one call per service (Nova, Cinder, Neutron).  Quotas are
not tenant resources, so reading them with that token keeps the rule of
the package (tenant resources only through a project-scoped token).
"""

from protector.drivers.cloud.openstack import common

# The resources read from each service, named as the sdk's attributes
# (which are the names the driver returns).
COMPUTE = ('instances', 'cores', 'ram')
BLOCK_STORAGE = ('volumes', 'gigabytes')
NETWORK = ('ports',)
UNLIMITED = -1


def _usage(limit, *used):
    """``{'limit', 'in_use'}``; a limit the service did not give is -1."""
    return {'limit': UNLIMITED if limit is None else int(limit),
            'in_use': sum(int(amount or 0) for amount in used)}


def _quota_set(quota_set, names):
    """Nova's and Cinder's quota sets, as the sdk parses them.

    With usage the sdk keeps each limit as the attribute of the resource
    and the amounts in ``usage`` (in use) and ``reservation`` (being
    created, which a new resource must fit beside as well).
    """
    usage = quota_set.usage or {}
    reserved = quota_set.reservation or {}
    return {name: _usage(getattr(quota_set, name, None), usage.get(name),
                         reserved.get(name))
            for name in names}


class QuotaMixin(object):

    def service_project_id(self):
        return self.call('read the project of', 'the service user',
                         self.session.get_project_id)

    def get_quota_usage(self, project_id):
        resource = common.describe('quotas', None, project_id)
        # GET /os-quota-sets/{project_id}/detail
        compute = self.acall(
            'read compute quotas', resource,
            lambda c: c.compute.get_quota_set(project_id, usage=True))
        # GET /os-quota-sets/{project_id}?usage=True
        block_storage = self.acall(
            'read block storage quotas', resource,
            lambda c: c.block_storage.get_quota_set(project_id, usage=True))
        found = _quota_set(compute, COMPUTE)
        found.update(_quota_set(block_storage, BLOCK_STORAGE))
        # GET /v2.0/quotas/{project_id}/details: each resource is a dict
        # {'limit', 'used', 'reserved'}.
        details = self.acall(
            'read network quotas', resource,
            lambda c: c.network.get_quota(project_id, details=True))
        for name in NETWORK:
            entry = getattr(details, name, None) or {}
            found[name] = _usage(entry.get('limit'), entry.get('used'),
                                 entry.get('reserved'))
        return found
