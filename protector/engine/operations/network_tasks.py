"""Isolated networks for a test failover.

Each mapped network gets a copy on the target (same subnet CIDRs, no
router, hence no way in or out), named after the operation, so the test
servers keep their addresses and cannot disturb production.
"""

from protector.common import steps
from protector.engine import group_environment
from protector.engine.operations import base
from protector.engine.operations import desired
from protector.engine.operations import mappings as mapping_lib
from protector.engine.operations import names
from protector.engine.operations import undo


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
        network_names = {}
        for member in members.values():
            for port in desired.ports(member, subnets):
                network_names[port['network_id']] = port['network_name']
                if port['network_id'] and port['fixed_ip'].get('cidr'):
                    cidrs.setdefault(port['network_id'], set()).add(
                        port['fixed_ip']['cidr'])
                elif port['network_id']:
                    cidrs.setdefault(port['network_id'], set())
        isolated = {}
        for source_network, wanted in sorted(cidrs.items()):
            mapped = resolver.network(source_network,
                                      network_names.get(source_network))
            if mapped is not None:
                wanted = wanted | {s['cidr'] for s in resolver.subnets(
                    mapped['id'])}
            name = names.isolated_network(operation_id, source_network)
            found = cloud.list_networks(project, name=name)
            network = found[0] if found else cloud.create_network(project,
                                                                  name)
            present = {s['cidr'] for s in cloud.list_subnets(
                project, network_id=network['id'])}
            for cidr in sorted(wanted - present):
                cloud.create_subnet(project, network['id'], cidr,
                                    name=name)
            isolated[source_network] = network['id']
        self.done(recorder)
        return isolated

    def revert(self, operation_id, members, *args, **kwargs):
        env = group_environment.Environment.of(operation_id)
        undo.remove_isolated_networks(env, operation_id, members)
