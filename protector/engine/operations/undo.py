"""Removing what an operation made on the target site.

Used by the reverts of a failed or cancelled operation, by test cleanup
and by ``operation cleanup``.  Everything is found again from the
operation record *and* by the operation's deterministic names, so what a
crashed run made before it could record it is removed too.  Every call
succeeds when the resource is already gone.
"""

from oslo_config import cfg
from oslo_log import log as logging

from protector.common import driver_errors as errors
from protector.engine.operations import base
from protector.engine.operations import names

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def find_server(cloud, project_id, operation_id, member):
    """The server ``operation_id`` made for ``member`` on this cloud."""
    for server in cloud.list_servers(project_id, name=member['server_name']):
        try:
            metadata = cloud.get_server_spec(project_id,
                                             server['id'])['metadata']
        except errors.CloudNotFound:
            continue
        if (metadata or {}).get(names.OPERATION_KEY) == operation_id and \
                metadata.get(names.MEMBER_KEY) == member['member_id']:
            return server
    return None


def our_ports(cloud, project_id, operation_id, member_id):
    prefix = names.port_prefix(operation_id, member_id)
    return [p for p in cloud.list_ports(project_id)
            if (p.get('name') or '').startswith(prefix)]


def delete_ports(cloud, project_id, port_ids, floating_ips=True):
    """Delete ports, and with ``floating_ips`` their floating IPs.

    Without it Neutron only disassociates them (the tenant's addresses
    stay allocated); with it they are released (those an operation made).
    """
    for port_id in port_ids:
        if floating_ips:
            for address in cloud.list_floating_ips(project_id,
                                                   port_id=port_id):
                cloud.delete_floating_ip(project_id, address['id'])
        cloud.delete_port(project_id, port_id)


def remove_server(env, operation_id, member, result=None):
    """Delete the member's target server and ports made by the operation."""
    site = env.target
    cloud, project = env.cloud(site), env.project(site)
    server_ids = set()
    if result and result.get('target_server_id'):
        server_ids.add(result['target_server_id'])
    found = find_server(cloud, project, operation_id, member)
    if found is not None:
        server_ids.add(found['id'])
    for server_id in server_ids:
        cloud.delete_server(project, server_id)
    for server_id in server_ids:
        cloud.wait_for_server(project, server_id, 'DELETED',
                              CONF.engine.server_delete_timeout)
    port_ids = set((result or {}).get('target_port_ids') or [])
    port_ids.update(p['id'] for p in our_ports(cloud, project, operation_id,
                                               member['member_id']))
    delete_ports(cloud, project, sorted(port_ids))


def remove_servers(env, operation_id, members, results):
    base.raise_first(base.each(
        lambda m: remove_server(env, operation_id, m,
                                results.get(m['member_id'])),
        members.values()))


def array_copies(env, operation_id, members):
    """Names of the array copies an operation makes.

    Every operation of an async group makes them; of a sync group, only a
    test failover (the others take over the pod's own volumes).
    """
    copies = []
    for member in members.values():
        for volume in member['spec'].get('volumes') or []:
            copies.append(names.array_copy(
                operation_id, env.array_name(volume['volume_id'])))
    return copies


def remove_volumes(env, operation_id, members, results, test=False):
    """Delete the volumes and array copies an operation made on the target.

    Cinder frees the array objects of the volumes it deletes; copies that
    were never managed are destroyed on the array.  ``test``: the
    operation is a test failover, whose volumes are in no Cinder group.
    """
    site = env.target
    cloud, project = env.cloud(site), env.project(site)
    volume_ids = set()
    for member in members.values():
        result = results.get(member['member_id']) or {}
        volume_ids.update(result.get('target_volume_ids') or [])
        for volume in member['spec'].get('volumes') or []:
            name = names.volume(operation_id, volume, member['server_name'])
            volume_ids.update(v['id'] for v in cloud.list_volumes(
                project, name=name))
            cloud.discard_adoption(name, CONF.engine.volume_timeout)
    cinder_group = env.cinder_group(site)
    if not test and cinder_group and volume_ids:
        cloud.remove_volumes_from_group(project, cinder_group,
                                        sorted(volume_ids))

    def delete(volume_id):
        cloud.delete_volume(project, volume_id)
        cloud.wait_for_volume(project, volume_id, 'DELETED',
                              CONF.engine.volume_timeout)
    base.raise_first(base.each(delete, sorted(volume_ids)))
    if test or not env.is_sync:
        env.storage.delete_volumes(env.array(site),
                                   array_copies(env, operation_id, members))


def remove_isolated_networks(env, operation_id):
    """The isolated networks of a test failover (named after it)."""
    cloud, project = env.cloud(env.target), env.project(env.target)
    prefix = names.isolated_network(operation_id, '')
    for network in cloud.list_networks(project):
        if not (network['name'] or '').startswith(prefix):
            continue
        for port in cloud.list_ports(project, network_id=network['id']):
            cloud.delete_port(project, port['id'])
        for subnet in cloud.list_subnets(project, network_id=network['id']):
            cloud.delete_subnet(project, subnet['id'])
        cloud.delete_network(project, network['id'])


def remove_server_groups(env, operation_id, members):
    """Server groups a test failover made (named after the operation)."""
    cloud, project = env.cloud(env.target), env.project(env.target)
    wanted = set()
    for member in members.values():
        group = member['spec'].get('server_group')
        if group:
            wanted.add(names.server_group(operation_id, group['name']))
    for name in sorted(wanted):
        for group in cloud.list_server_groups(project, name=name):
            cloud.delete_server_group(project, group['id'])


def restart_source_servers(env, results):
    """Start again the source servers a planned operation stopped."""
    cloud, project = env.cloud(env.source), env.project(env.source)
    stopped = [r['source_server_id'] for r in results.values()
               if r.get('source_was_active') and r.get('source_server_id')]

    def start(server_id):
        cloud.start_server(project, server_id)
        cloud.wait_for_server(project, server_id, 'ACTIVE',
                              CONF.engine.server_active_timeout)
    base.raise_first(base.each(start, stopped))
