"""protector-manage: ``db sync`` and ``db version``."""

import sys

from oslo_config import cfg

from protector.common import service
from protector.db import migration

CONF = service.CONF


def _db_sync():
    migration.upgrade(CONF.command.revision)
    print('Database is at revision %s.' % migration.version())


def _db_version():
    print(migration.version() or 'none (run protector-manage db sync)')


def _add_commands(subparsers):
    db = subparsers.add_parser('db', help='Database schema.')
    db_commands = db.add_subparsers(dest='db_command')
    db_commands.required = True
    sync = db_commands.add_parser('sync', help='Upgrade the schema.')
    sync.add_argument('revision', nargs='?', default='head')
    sync.set_defaults(func=_db_sync)
    version = db_commands.add_parser('version',
                                     help='Print the schema revision.')
    version.set_defaults(func=_db_version)


def main():
    CONF.register_cli_opt(cfg.SubCommandOpt(
        'command', title='Commands', handler=_add_commands))
    service.prepare(with_rpc=False, log_to_stderr=True)
    CONF.command.func()
    return 0


if __name__ == '__main__':
    sys.exit(main())
