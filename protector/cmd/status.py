"""protector-status upgrade check."""

import sys

from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck

from protector.common import service
from protector.db import migration
from protector.db.migrations import heads

CONF = service.CONF


class Checks(upgradecheck.UpgradeCommands):

    def _check_schema(self):
        migration.configure(CONF)
        current = migration.version()
        if current != heads.HEAD:
            return upgradecheck.Result(
                upgradecheck.Code.FAILURE,
                'Database schema is at %s, the code needs %s; run '
                "'protector-manage db sync'." % (current, heads.HEAD))
        return upgradecheck.Result(upgradecheck.Code.SUCCESS)

    def _check_auth(self):
        if CONF.auth_strategy == 'noauth':
            return upgradecheck.Result(
                upgradecheck.Code.WARNING,
                'auth_strategy is noauth: the API accepts every request as '
                'an administrator. Set [DEFAULT] auth_strategy = keystone.')
        return upgradecheck.Result(upgradecheck.Code.SUCCESS)

    _upgrade_checks = (
        ('Database schema', _check_schema),
        ('Authentication', _check_auth),
        ('Policy file', (common_checks.check_policy_json,
                         {'conf': CONF})),
    )


def main():
    from protector.conf import opts
    opts.set_defaults(CONF)
    return upgradecheck.main(CONF, project='protector',
                             upgrade_command=Checks())


if __name__ == '__main__':
    sys.exit(main())
