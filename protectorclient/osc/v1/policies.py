"""``openstack protector protection-group policy-create|policy-show|
policy-set``.

Array API tokens are write-only: the server answers with
``primary_fa_token_set: true`` and the commands show ``******``.
"""

from osc_lib.command import command

from protectorclient.osc import common
from protectorclient.osc.v1 import protection_groups

POLICY_FIELDS = (
    'primary_fa_url', 'primary_fa_token', 'secondary_fa_url',
    'secondary_fa_token', 'rpo_minutes', 'replication_interval',
    'snapshot_retention',
)
TOKENS = ('primary_fa_token', 'secondary_fa_token')


def _show_policy(policy):
    policy = dict(policy)
    for token in TOKENS:
        is_set = policy.pop(token + '_set', None)
        # A token in clear is never printed, even if a server sent one.
        if policy.pop(token, None) or is_set:
            policy[token] = common.SECRET
        else:
            policy[token] = None
    return common.show(policy, POLICY_FIELDS)


def _add_policy_options(parser, required):
    parser.add_argument(
        '--primary-fa-url', metavar='<url>', required=required,
        help='Management URL of the FlashArray of the primary site')
    parser.add_argument(
        '--primary-fa-token', metavar='<token>', required=required,
        help='API token of the primary FlashArray (never displayed)')
    parser.add_argument(
        '--secondary-fa-url', metavar='<url>', required=required,
        help='Management URL of the FlashArray of the secondary site')
    parser.add_argument(
        '--secondary-fa-token', metavar='<token>', required=required,
        help='API token of the secondary FlashArray (never displayed)')
    parser.add_argument(
        '--rpo-minutes', metavar='<minutes>', type=int, required=required,
        help='Recovery point objective in minutes')
    parser.add_argument(
        '--replication-interval', metavar='<seconds>', type=int,
        help='Async replication period in seconds (server default: 300)')
    parser.add_argument(
        '--snapshot-retention', metavar='<count>', type=int,
        help='Replicated snapshots kept on the target (server default: '
             '24)')


def _policy_fields(parsed_args):
    return {
        'primary_fa_url': parsed_args.primary_fa_url,
        'primary_fa_token': parsed_args.primary_fa_token,
        'secondary_fa_url': parsed_args.secondary_fa_url,
        'secondary_fa_token': parsed_args.secondary_fa_token,
        'rpo_minutes': parsed_args.rpo_minutes,
        'replication_interval': parsed_args.replication_interval,
        'snapshot_retention': parsed_args.snapshot_retention,
    }


class CreatePolicy(command.ShowOne):
    """Create the replication policy of a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        _add_policy_options(parser, required=True)
        protection_groups.add_local_argument(parser)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        group = parsed_args.protection_group
        policy = client.policies.create(group, local=parsed_args.local,
                                        **_policy_fields(parsed_args))
        if parsed_args.local:
            protection_groups.report_local_changes(self.app, client, group)
        return _show_policy(policy)


class ShowPolicy(command.ShowOne):
    """Show the replication policy of a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        return parser

    def take_action(self, parsed_args):
        client = self.app.client_manager.protector
        return _show_policy(
            client.policies.get(parsed_args.protection_group))


class SetPolicy(command.Command):
    """Change the replication policy of a protection group"""

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        protection_groups.add_group_argument(parser)
        _add_policy_options(parser, required=False)
        protection_groups.add_local_argument(parser)
        return parser

    def take_action(self, parsed_args):
        fields = {k: v for k, v in _policy_fields(parsed_args).items()
                  if v is not None}
        if fields:
            client = self.app.client_manager.protector
            group = parsed_args.protection_group
            client.policies.update(group, local=parsed_args.local, **fields)
            if parsed_args.local:
                protection_groups.report_local_changes(self.app, client,
                                                       group)
