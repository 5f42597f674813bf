"""Steps that change the protection group itself."""

from oslo_log import log as logging
from oslo_utils import timeutils

from protector.common import driver_errors as errors
from protector.common import exception
from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.engine import group_environment
from protector.engine.operations import base
from protector.engine.operations import names
from protector.engine import sync

LOG = logging.getLogger(__name__)


def _push(env):
    """Send the group to the peer, unless the operation runs without it."""
    if env.operation.failover_type != steps.UNPLANNED:
        sync.push(env.context, env.group.id)


class ValidateSites(base.OperationTask):
    """The clouds and arrays the operation needs answer."""

    step = steps.VALIDATE_SITES

    def execute(self, operation_id):
        env, recorder = self.begin(operation_id)
        sites = [env.target]
        if env.operation.failover_type != steps.UNPLANNED and \
                env.operation.operation_type in (steps.FAILOVER,
                                                 steps.FAILBACK,
                                                 steps.SYNC):
            sites.insert(0, env.source)
        for site in sites:
            for check in env.cloud(site).check_services():
                if check['result'] == 'failed':
                    raise exception.Conflict(
                        reason="Site '%s' is not ready: %s failed (%s)."
                               % (site.name, check['check'],
                                  check['detail']))
            array = env.array(site)
            check = env.storage.check_array(array.url, array.api_token)
            if check['result'] == 'failed':
                raise exception.Conflict(
                    reason="The array of site '%s' is not ready: %s"
                           % (site.name, check['detail']))
        self.done(recorder)


class CreateDrRecord(base.OperationTask):
    """The group enters the operation's transitional status."""

    step = steps.CREATE_DR_RECORD

    def execute(self, operation_id):
        env, recorder = self.begin(operation_id)
        status = group_states.ENTERED[env.operation.operation_type]
        if env.group.status != status:
            db.group_update(env.context, env.group.id, {'status': status})
            _push(env)
        recorder.update(source_site=env.source.name,
                        target_site=env.target.name)
        self.done(recorder)

    def revert(self, operation_id, *args, **kwargs):
        # The group goes back to where it was: whatever else happened was
        # reverted before this (reverts run in reverse order).
        env = group_environment.Environment.of(operation_id)
        previous = env.parameters.get('previous_status',
                                      group_states.ACTIVE)
        if env.group.status != previous:
            db.group_update(env.context, env.group.id, {'status': previous})
            _push(env)


class UpdateProtectionGroup(base.OperationTask):
    """After a failover or failback: the target is the primary site.

    Each member's spec is captured again on the target, so that it
    describes the server as it now exists and the way back is the same
    flow in the other direction.
    """

    step = steps.UPDATE_GROUP

    def execute(self, operation_id, members):
        env, recorder = self.begin(operation_id)
        results = recorder.members()
        kind = env.operation.operation_type
        if kind == steps.TEST_CLEANUP:
            test = db.operation_get(env.context,
                                    env.parameters['test_operation_id'])
            tested_from = (test.parameters or {}).get(
                'previous_status', group_states.ACTIVE)
            db.group_update(env.context, env.group.id, {
                'status': group_states.completed(kind,
                                                 tested_from=tested_from)})
            _push(env)
            self.done(recorder)
            return
        if env.group.current_primary_site_id == env.target.id:
            # An earlier run swapped the sites already (then crashed).
            self.done(recorder)
            return
        partial = False
        for member_id, member in members.items():
            values = self._member(env, member, results.get(member_id, {}))
            partial = partial or values['status'] != 'protected'
            db.member_update(env.context, member_id, values)
        home = env.target.id == env.group.primary_site_id
        values = {'current_primary_site_id': env.target.id,
                  'status': group_states.completed(kind, partial, home)}
        if kind == steps.FAILOVER:
            values.update(
                failover_count=(env.group.failover_count or 0) + 1,
                last_failover_at=timeutils.utcnow())
        db.group_update(env.context, env.group.id, values)
        LOG.info('Protection group %(group)s now runs on %(site)s '
                 '(operation %(op)s)', {'group': env.group.id,
                                        'site': env.target.name,
                                        'op': operation_id})
        self.done(recorder)

    @staticmethod
    def _member(env, member, result):
        server_id = result.get('target_server_id')
        if result.get('status') != 'active' or not server_id:
            return {'status': 'error'}
        cloud = env.cloud(env.target)
        try:
            spec = cloud.get_server_spec(env.project(env.target), server_id)
        except errors.DriverError as exc:
            # The server runs; only its description could not be read.
            LOG.warning('Operation %(op)s: could not capture server '
                        '%(server)s on %(site)s: %(error)s; its previous '
                        'spec is kept', {'op': env.operation_id,
                                         'server': server_id,
                                         'site': env.target.name,
                                         'error': exc})
            spec = dict(member['spec'], id=server_id)
        spec['metadata'] = names.without_markers(spec.get('metadata'))
        return {'server_id': server_id, 'server_name': spec.get(
            'name') or member['server_name'], 'spec': spec,
            'status': 'protected'}


class SyncMetadata(base.OperationTask):
    """Push the group to the peer; a peer that is gone is recorded.

    After an unplanned failover the old site is expected to be gone: its
    repair is then deferred to the operator, not counted as an error.
    """

    step = steps.SYNC_METADATA

    def execute(self, operation_id):
        env, recorder = self.begin(operation_id)
        expected = env.operation.failover_type == steps.UNPLANNED
        group = env.group
        if (group.peer_version, group.peer_digest) != (
                group.metadata_version, group.metadata_digest):
            sync.push(env.context, group.id, retry=not expected)
        group = db.group_get(env.context, env.group.id)
        if group.last_sync_error:
            recorder.step_failed(self.step, (
                "%sPeer site '%s' did not receive version %d of the group "
                "(%s); its copy is stale. When it is back, run 'openstack "
                "protector protection-group sync-force %s' on site '%s'."
                % (steps.DEFERRED if expected else '',
                   sync.peer_site(env.context).name, group.metadata_version,
                   group.last_sync_error, group.name,
                   sync.local_site(env.context).name)))
            return
        self.done(recorder)
