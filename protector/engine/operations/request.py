"""An operation as the operator asked for it, resolved against its group.

Source and target sites, the mappings in force, the members and their
recovery plan are fixed here, when the operation starts: the operation
keeps this snapshot for its whole run (and across engine restarts), so
a change of the group meanwhile cannot change what it does halfway.
"""

from protector.common import group_states
from protector.common import steps
from protector.db import api as db
from protector.engine.operations import desired
from protector.engine.operations import mappings as mapping_lib
from protector.engine import sync


def _last_test_failover(context, group):
    for operation in db.operation_list(context, group_id=group.id):
        if operation.operation_type == steps.TEST_FAILOVER:
            return operation
    return None


class Request(object):

    def __init__(self, context, group, action, options):
        self.context = context
        self.group = group
        self.action = action
        self.options = dict(options or {})
        self.force = bool(self.options.get('force'))
        self.failover_type = None
        if action == steps.FAILOVER:
            self.failover_type = self.options.get('type') or steps.PLANNED
        self.local = sync.local_site(context)
        self.peer = sync.peer_site(context)
        self.test_operation = None
        if action == steps.TEST_CLEANUP:
            self.test_operation = _last_test_failover(context, group)
        if self.test_operation is not None:
            self.source = db.site_get(context,
                                      self.test_operation.source_site)
            self.target = db.site_get(context,
                                      self.test_operation.target_site)
        else:
            self.source = group.current_primary_site
            self.target = (group.secondary_site
                           if self.source.id == group.primary_site_id
                           else group.primary_site)
        self.direction = mapping_lib.direction(group, self.source.id)
        self.mappings = mapping_lib.effective(group, self.direction,
                                              self.options)
        self.subnets = dict(group.subnets or {})
        self.all_members = [desired.snapshot(m)
                            for m in db.member_list(context, group.id)]

    @property
    def unplanned(self):
        return self.failover_type == steps.UNPLANNED

    @property
    def only_protected(self):
        """Whether members that are not ``protected`` are left out.

        With ``force`` (the pre-flight refuses them otherwise), and when an
        unplanned failover or a test failover starts from a partly failed
        over group: the servers that did not come up never left the
        primary site.
        """
        return self.force or (
            (self.unplanned or self.action == steps.TEST_FAILOVER) and
            self.group.status in group_states.ONLY_PROTECTED_FROM)

    @property
    def members(self):
        """The members the operation acts on."""
        return [m for m in self.all_members if m['status'] == 'protected'
                or not self.only_protected]

    def ranks(self):
        """``[(rank, [member ids])]``, lowest rank first."""
        by_rank = {}
        for member in self.members:
            by_rank.setdefault(member['rank'], []).append(
                member['member_id'])
        return [(rank, by_rank[rank]) for rank in sorted(by_rank)]

    def plans_subnets(self):
        """Whether the plan puts ports on subnets it names."""
        return any(port['subnet'] is not None for member in self.members
                   for port in desired.ports(member, self.subnets))

    def parameters(self):
        """What the operation records of the request."""
        given = {key: value for key, value in self.options.items()
                 if value not in (None, {}, [])}
        given['force'] = self.force
        given['mappings'] = self.mappings
        given['previous_status'] = self.group.status
        left_out = [m['server_name'] for m in self.all_members
                    if m not in self.members]
        if left_out:
            given['left_out_members'] = left_out
        if self.test_operation is not None:
            given['test_operation_id'] = self.test_operation.id
        return given

    def store(self):
        """The inputs every task of the flow can ask for (persisted)."""
        return {'members': {m['member_id']: m for m in self.members},
                'mappings': self.mappings, 'subnets': self.subnets}
