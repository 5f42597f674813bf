"""``protector-manage db sync`` on the embedded SQLite and on PostgreSQL."""

import os
import subprocess
import sys

from protector.db.migrations import heads
from protector.tests.functional import infra


def _run(command, conf_path):
    binary = os.path.join(os.path.dirname(sys.executable), command[0])
    return subprocess.run([binary, '--config-file', conf_path]
                          + command[1:], capture_output=True, text=True,
                          timeout=120)


def _migrate(base_dir, name, url):
    conf_path = os.path.join(base_dir, name + '.conf')
    with open(conf_path, 'w') as conf:
        conf.write('[DEFAULT]\nstate_path = %s\n[database]\n'
                   'connection = %s\n' % (base_dir, url))
    before = _run(['protector-manage', 'db', 'version'], conf_path)
    assert before.returncode == 0, before.stderr
    assert 'none' in before.stdout
    status = _run(['protector-status', 'upgrade', 'check'], conf_path)
    assert status.returncode == 2, status.stdout
    assert 'protector-manage db sync' in status.stdout
    synced = _run(['protector-manage', 'db', 'sync'], conf_path)
    assert synced.returncode == 0, synced.stderr
    version = _run(['protector-manage', 'db', 'version'], conf_path)
    assert version.stdout.strip() == heads.HEAD
    # A second sync is harmless.
    again = _run(['protector-manage', 'db', 'sync'], conf_path)
    assert again.returncode == 0, again.stderr
    status = _run(['protector-status', 'upgrade', 'check'], conf_path)
    assert status.returncode == 0, status.stdout


def test_sqlite_migrates_up(two_sites):
    path = os.path.join(two_sites.base_dir, 'migrate.db')
    _migrate(two_sites.base_dir, 'sqlite', 'sqlite:///' + path)


def test_mariadb_migrates_up(two_sites):
    mariadb = infra.MariaDB(two_sites.base_dir, 23306)
    mariadb.start()
    try:
        url = mariadb.create_database('protector_migrate', 'migrate_test',
                                      'migrate-pw')
        _migrate(two_sites.base_dir, 'mariadb', url)
    finally:
        mariadb.stop()


def test_postgresql_migrates_up(two_sites):
    url = two_sites.postgres.create_database('migrate_test', 'migrate_test',
                                             'migrate-pw')
    _migrate(two_sites.base_dir, 'postgresql', url)
