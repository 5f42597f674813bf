"""Networks of the target before servers are made there.

``PrepareTargetSubnets``: the recovery site's subnets for the subnets the
recovery plan names, made where missing (see ``target_subnets``).

``IsolateNetworks``, for a test failover on isolated networks: each
network the servers use gets a copy on the target (same subnet CIDRs,
those of the plan too, no router, hence no way in or out), named after
the operation, so the test servers keep their addresses and cannot
disturb production.
"""

from protector.common import driver_errors as errors
from protector.common import steps
from protector.engine import group_environment
from protector.engine.operations import base
from protector.engine.operations import desired
from protector.engine.operations import mappings as mapping_lib
from protector.engine.operations import names
from protector.engine.operations import target_subnets
from protector.engine.operations import undo


class PrepareTargetSubnets(base.OperationTask):
    """Each subnet of the plan's ports, found or made on the target.

    A subnet that cannot be had fails the servers on it, not the
    operation: ``{'error': reason}`` in its place.
    """

    step = steps.TARGET_SUBNETS

    def __init__(self, **kwargs):
        super().__init__(provides='target_subnets', **kwargs)

    def execute(self, operation_id, members, mappings, subnets):
        env, recorder = self.begin(operation_id)
        resolver = mapping_lib.TargetResolver(
            env.cloud(env.target), env.project(env.target), mappings,
            env.target.name)
        finder = target_subnets.Finder(env, recorder, resolver, subnets)
        found = {}
        for name, ports in sorted(target_subnets.wanted(
                members, subnets, desired.ports).items()):
            try:
                found[name] = finder.resolve(name, ports)
            except (errors.DriverError, mapping_lib.MappingError) as exc:
                found[name] = {'error': str(exc)}
        self.done(recorder)
        return found

    def revert(self, operation_id, *args, **kwargs):
        target_subnets.remove(group_environment.Environment.of(operation_id),
                              operation_id)


class IsolateNetworks(base.OperationTask):

    step = steps.ISOLATE_NETWORKS

    def __init__(self, **kwargs):
        super().__init__(provides='isolated_networks', **kwargs)

    def execute(self, operation_id, members, mappings, subnets):
        env, recorder = self.begin(operation_id)
        cloud, project = env.cloud(env.target), env.project(env.target)
        resolver = mapping_lib.TargetResolver(cloud, project, mappings,
                                              env.target.name)
        cidrs = {}
        sources = {}
        for member in members.values():
            for port in desired.ports(member, subnets):
                key = desired.network_key(port)
                if port['network_id']:
                    sources[key] = port['network_name']
                wanted = cidrs.setdefault(key, set())
                if port['fixed_ip'].get('cidr'):
                    wanted.add(port['fixed_ip']['cidr'])
                elif port['subnet'] is not None:
                    wanted.add(resolver.target_subnet(port['subnet'])[
                        'cidr'])
        isolated = {}
        for key, wanted in sorted(cidrs.items()):
            mapped = resolver.network(key, sources[key]) \
                if key in sources else None
            if mapped is not None:
                wanted = wanted | {s['cidr'] for s in resolver.subnets(
                    mapped['id'])}
            name = names.isolated_network(operation_id, key)
            found = cloud.list_networks(project, name=name)
            network = found[0] if found else cloud.create_network(project,
                                                                  name)
            present = {s['cidr'] for s in cloud.list_subnets(
                project, network_id=network['id'])}
            for cidr in sorted(wanted - present):
                cloud.create_subnet(project, network['id'], cidr,
                                    name=name)
            isolated[key] = network['id']
        self.done(recorder)
        return isolated

    def revert(self, operation_id, *args, **kwargs):
        env = group_environment.Environment.of(operation_id)
        undo.remove_isolated_networks(env, operation_id)
