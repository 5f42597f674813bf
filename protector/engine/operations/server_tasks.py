"""Steps on servers: stop the source ones, recreate on the target."""

from oslo_config import cfg
from oslo_utils import timeutils

from protector.common import driver_errors as errors
from protector.common import exception
from protector.common import steps
from protector.engine import group_environment
from protector.engine.operations import base
from protector.engine.operations import recreate
from protector.engine.operations import record
from protector.engine.operations import undo

CONF = cfg.CONF


class ShutdownSourceInstances(base.OperationTask):
    """Stop the servers on the source so that nothing writes any more."""

    step = steps.SHUTDOWN_SOURCE

    def execute(self, operation_id, members):
        env, recorder = self.begin(operation_id)
        cloud, project = env.cloud(env.source), env.project(env.source)

        def stop(member):
            server_id = member['server_id']
            try:
                server = cloud.get_server(project, server_id)
            except errors.CloudNotFound:
                recorder.member(member['member_id'],
                                reason='source server %s not found on %s'
                                % (server_id, env.source.name))
                return
            if server['status'] == 'ACTIVE':
                # Recorded before the stop: a revert starts it again.
                recorder.member(member['member_id'], source_was_active=True)
                cloud.stop_server(project, server_id)
            cloud.wait_for_server(project, server_id, 'SHUTOFF',
                                  CONF.engine.server_stop_timeout)
        base.raise_first(base.each(stop, members.values()))
        self.done(recorder)

    def revert(self, operation_id, *args, **kwargs):
        env = group_environment.Environment.of(operation_id)
        undo.restart_source_servers(
            env, record.Recorder(env.context, operation_id).members())


class RecreateServer(base.OperationTask):
    """One member's server on the target, its boot condition met."""

    def __init__(self, member_id, **kwargs):
        super().__init__(name='recreate_instance:%s' % member_id, **kwargs)
        self.member_id = member_id

    def execute(self, operation_id, members, mappings, subnets,
                target_volumes, isolated_networks=None, target_subnets=None):
        env, recorder = self.begin(operation_id)
        builder = recreate.ServerBuilder(
            env, recorder, members[self.member_id], mappings, subnets,
            target_volumes.get(self.member_id) or [], isolated_networks,
            target_subnets)
        result = builder.run()
        finished = sum(1 for r in recorder.members().values()
                       if r.get('status') in ('active', 'error'))
        recorder.progress(steps.RECREATE_START + (
            steps.RECREATE_END - steps.RECREATE_START) * finished //
            max(1, len(members)))
        return {'status': result.get('status'),
                'target_server_id': result.get('target_server_id')}

    def revert(self, operation_id, members, *args, **kwargs):
        env = group_environment.Environment.of(operation_id)
        results = record.Recorder(env.context, operation_id).members()
        undo.remove_server(env, operation_id, members[self.member_id],
                           results.get(self.member_id))


class RankDone(base.OperationTask):
    """Every server of a rank is up and met its boot condition."""

    def __init__(self, rank, **kwargs):
        super().__init__(step=steps.RECREATE_RANK % rank, **kwargs)

    def execute(self, operation_id, members):
        env, recorder = self.begin(operation_id)
        finished = sum(1 for r in recorder.members().values()
                       if r.get('status') in ('active', 'error'))
        self.done(recorder, steps.RECREATE_START + (
            steps.RECREATE_END - steps.RECREATE_START) * finished //
            max(1, len(members)))


class VerifyInstances(base.OperationTask):
    """The servers are ACTIVE; the RTO is measured here."""

    step = steps.VERIFY

    def execute(self, operation_id, members):
        env, recorder = self.begin(operation_id)
        results = recorder.members()
        active = [m for m in members if results.get(m, {}).get(
            'status') == 'active']
        if not active:
            raise exception.Conflict(
                reason='No server became ACTIVE on site %s: %s' % (
                    env.target.name, '; '.join(
                        '%s: %s' % (members[m]['server_name'],
                                    results.get(m, {}).get('reason'))
                        for m in members)))
        started = env.operation.started_at or env.operation.created_at
        recorder.update(rto_seconds=round(
            (timeutils.utcnow() - started).total_seconds(), 1))
        self.done(recorder)
