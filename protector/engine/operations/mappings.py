"""Which resource of the target site stands for one of the source site.

Mappings come from the group (stored per direction) and from the call
(``network_mapping`` ...), the call winning.  A mapped value may be an id
or a name on the target; ``TargetResolver`` turns it into the target's
resource, and picks subnets and addresses so that fixed IPs are kept where
the target subnet allows.
"""

import ipaddress

from protector.common import driver_errors as errors
from protector.common import exception

KINDS = ('network', 'subnet', 'flavor', 'security_group', 'image')
CALL_KEYS = {'network_mapping': 'network', 'subnet_mapping': 'subnet',
             'flavor_mapping': 'flavor',
             'security_group_mapping': 'security_group',
             'image_mapping': 'image'}


def direction(group, source_site_id):
    """``failover`` from the group's primary site, else ``failback``."""
    return ('failover' if source_site_id == group.primary_site_id
            else 'failback')


def effective(group, direction_name, options):
    """Stored mappings of a direction with the call's on top."""
    stored = (group.mappings or {}).get(direction_name) or {}
    result = {}
    for key, kind in CALL_KEYS.items():
        merged = dict(stored.get(kind) or {})
        merged.update((options or {}).get(key) or {})
        result[kind] = merged
    return result


class MappingError(exception.BadRequest):
    message = '%(reason)s'


def contains(cidr, address):
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(
            cidr, strict=False)
    except (TypeError, ValueError):
        return False


class TargetResolver(object):
    """Finds the target's resources for a member (cached per instance)."""

    def __init__(self, cloud, project_id, mappings, site_name):
        self.cloud = cloud
        self.project_id = project_id
        self.mappings = mappings
        self.site_name = site_name
        self._networks = {}
        self._subnets = {}
        self._flavors = {}
        self._security_groups = None

    def _by_id_or_name(self, get, find, ident, kind):
        try:
            return get(ident)
        except errors.CloudNotFound:
            pass
        found = find(ident)
        if len(found) == 1:
            return found[0]
        raise MappingError(reason="%s '%s' %s on site %s." % (
            kind, ident, 'is ambiguous (%d of that name)' % len(found)
            if found else 'does not exist', self.site_name))

    def mapped_network(self, source_network_id, source_network_name=None):
        """What the mappings give for a source network (id or name)."""
        mapping = self.mappings['network']
        if source_network_id in mapping:
            return mapping[source_network_id]
        return mapping.get(source_network_name) if source_network_name \
            else None

    def network(self, source_network_id, source_network_name=None):
        """The target network for a source network, or None if unmapped.

        A mapping may name the source network by id or by name.  An
        unmapped network is used as it is when the target has a network
        of that id (a shared provider network, say).
        """
        if source_network_id in self._networks:
            return self._networks[source_network_id]
        wanted = self.mapped_network(source_network_id, source_network_name)
        if wanted is None:
            try:
                found = self.cloud.get_network(self.project_id,
                                               source_network_id)
            except errors.CloudNotFound:
                found = None
        else:
            found = self._by_id_or_name(
                lambda i: self.cloud.get_network(self.project_id, i),
                lambda n: self.cloud.list_networks(self.project_id,
                                                   name=n),
                wanted, 'Network')
        self._networks[source_network_id] = found
        return found

    def target_subnet(self, ident):
        """A subnet of the target by id or name, as a plan's port names it."""
        return self._by_id_or_name(
            lambda i: self.cloud.get_subnet(self.project_id, i),
            lambda n: [s for s in self.cloud.list_subnets(self.project_id)
                       if s['name'] == n],
            ident, 'Subnet')

    def subnets(self, network_id):
        if network_id not in self._subnets:
            self._subnets[network_id] = self.cloud.list_subnets(
                self.project_id, network_id=network_id)
        return self._subnets[network_id]

    def fixed_ip(self, network, source_fixed_ip):
        """``{'subnet_id', 'ip_address'?}`` on the target network.

        The mapped subnet, else the one whose CIDR holds the address, else
        the one with the same CIDR, else the first of the same IP version.
        The address is kept when the chosen subnet holds it.
        """
        subnets = self.subnets(network['id'])
        address = source_fixed_ip.get('ip_address')
        mapped = self.mappings['subnet'].get(
            source_fixed_ip.get('subnet_id'))
        chosen = None
        if mapped:
            chosen = next((s for s in subnets
                           if mapped in (s['id'], s['name'])), None)
        if chosen is None and address:
            chosen = next((s for s in subnets
                           if contains(s['cidr'], address)), None)
        if chosen is None and source_fixed_ip.get('cidr'):
            chosen = next((s for s in subnets
                           if s['cidr'] == source_fixed_ip['cidr']), None)
        if chosen is None and address:
            version = ipaddress.ip_address(address).version
            chosen = next((s for s in subnets
                           if s.get('ip_version') == version), None)
        if chosen is None:
            return None
        result = {'subnet_id': chosen['id']}
        if address and contains(chosen['cidr'], address):
            result['ip_address'] = address
        return result

    def flavor(self, spec_flavor, override=None):
        """The target flavor: the plan's, the mapped one or the same."""
        key = (override, (spec_flavor or {}).get('id'),
               (spec_flavor or {}).get('name'))
        if key not in self._flavors:
            self._flavors[key] = self._flavor(spec_flavor, override)
        return self._flavors[key]

    def _flavor(self, spec_flavor, override):
        if override:
            return self.cloud.find_flavor(self.project_id, override)
        spec_flavor = spec_flavor or {}
        mapping = self.mappings['flavor']
        for key in (spec_flavor.get('id'), spec_flavor.get('name')):
            if key and key in mapping:
                return self.cloud.find_flavor(self.project_id, mapping[key])
        for key in (spec_flavor.get('id'), spec_flavor.get('name')):
            if not key:
                continue
            try:
                return self.cloud.find_flavor(self.project_id, key)
            except errors.CloudNotFound:
                continue
        raise errors.CloudNotFound(
            site=self.site_name, action='find flavor',
            resource='flavor %s (%s)' % (spec_flavor.get('id'),
                                         spec_flavor.get('name')),
            detail='no flavor mapping and no flavor of that id or name')

    def security_group_names(self, groups):
        """Target security groups (names or ids) for the source ones."""
        mapping = self.mappings['security_group']
        result = []
        for group in groups or []:
            if isinstance(group, dict):
                name, ident = group.get('name'), group.get('id')
            else:
                name, ident = group, group
            target = mapping.get(ident) or mapping.get(name) or name
            if target and target not in result:
                result.append(target)
        return result

    def missing_security_groups(self, names):
        if self._security_groups is None:
            groups = self.cloud.list_security_groups(self.project_id)
            self._security_groups = {g['name'] for g in groups} | {
                g['id'] for g in groups}
        return [n for n in names if n not in self._security_groups]

    def image(self, spec_image):
        if not spec_image:
            return None
        mapping = self.mappings['image']
        for key in (spec_image.get('id'), spec_image.get('name')):
            if key and key in mapping:
                return self.cloud.find_image(self.project_id,
                                             mapping[key])['id']
        return self.cloud.find_image(
            self.project_id, spec_image.get('id') or spec_image['name'])['id']
