"""Changing the plan on the surviving site while the other is down.

Site B's protector-api is stopped, as in a disaster: a plan change on site
A is refused unless the operator says --local; with it, a plan change and
a mapping change are made on site A alone.  When site B is back, both
sites say so, and sync-force on site A gives site B site A's copy.
"""

import json
import os

import pytest

from protector.tests.functional import two_sites as lab

GROUP = 'changed-in-disaster'
PLAN = {'devices': {}, 'subnets': {'recovery': {'cidr': '10.30.0.0/24'}}}
HELD = ("Versions 2 to 3 were changed on site 'site-a' while site 'site-b' "
        "was unreachable (--local); when 'site-b' is back run 'openstack "
        "protector protection-group sync-force %s' on site 'site-a'."
        % GROUP)


@pytest.fixture(scope='module')
def env(two_sites):
    two_sites.register_sites()
    return two_sites


def _status(env, cloud):
    return env.cli_json(cloud, 'protection-group', 'sync-status', GROUP)


def test_the_plan_changes_on_the_surviving_site_then_sync_force(env):
    env.cli('member-a', 'protection-group', 'create', GROUP,
            '--replication-type', 'async', '--primary-site', 'site-a',
            '--secondary-site', 'site-b', '--volume-type', lab.VOLUME_TYPE)
    plan = os.path.join(env.base_dir, 'plan-in-disaster.json')
    with open(plan, 'w') as plan_file:
        json.dump(PLAN, plan_file)
    env.sites['site-b'].stop('protector-api')
    try:
        refused = env.cli('member-a', 'protection-group', 'plan-import',
                          GROUP, plan, check=False)
        assert refused.returncode != 0
        assert "Peer site 'site-b' is unreachable" in refused.stderr
        assert 'add --local' in refused.stderr
        assert 'Traceback' not in refused.stderr
        assert _status(env, 'member-a')['Local Version'] == 1

        imported = env.cli('member-a', 'protection-group', 'plan-import',
                           GROUP, plan, '--local')
        assert 'the change was made on site-a alone' in imported.stderr
        env.cli('member-a', 'protection-group', 'mapping-set', GROUP,
                '--network', 'net-a=net-b', '--local')

        status = _status(env, 'member-a')
        assert status['Sync Status'] == 'UNREACHABLE'
        assert status['Detail'].endswith(HELD), status['Detail']
        held = status['Local Changes']
        assert (held['site'], held['first_version'], held['last_version'],
                held['peer_version']) == ('site-a', 2, 3, 1)
        shown = env.cli_json('member-a', 'protection-group', 'show', GROUP)
        assert shown['local_changes'] == held
        assert shown['metadata_version'] == 3
    finally:
        env.sites['site-b'].start('protector-api')

    a = _status(env, 'member-a')
    assert a['Sync Status'] == 'OUT OF SYNC'
    assert (a['Local Version'], a['Remote Version']) == (3, 1)
    assert a['Detail'] == HELD
    b = _status(env, 'member-a-b')
    assert b['Sync Status'] == 'OUT OF SYNC'
    assert b['Remote Local Changes'] == held
    assert "on site 'site-a'" in b['Detail']
    # Nothing changes elsewhere until an operator says which copy wins.
    refused = env.cli('member-a-b', 'protection-group', 'set', GROUP,
                      '--description', 'on site-b', check=False)
    assert refused.returncode != 0
    assert "holds changes made on site 'site-a' alone" in refused.stderr

    forced = env.cli_json('member-a', 'protection-group', 'sync-force',
                          GROUP)
    assert forced['Sync Status'] == 'IN SYNC'
    a, b = _status(env, 'member-a'), _status(env, 'member-a-b')
    assert a['Sync Status'] == b['Sync Status'] == 'IN SYNC'
    assert a['Local Version'] == b['Local Version'] == 3
    assert a['Local Digest'] == b['Local Digest'] == a['Remote Digest']
    assert a['Local Changes'] is None and b['Remote Local Changes'] is None
    exported = json.loads(env.cli('member-a-b', 'protection-group',
                                  'plan-export', GROUP).stdout)
    assert exported['subnets'] == PLAN['subnets']
    mappings = env.cli_json('member-a-b', 'protection-group', 'mapping-show',
                            GROUP)
    assert [(m['Direction'], m['Source'], m['Target']) for m in mappings] \
        == [('failover', 'net-a', 'net-b')]
    assert env.cli_json('member-a', 'protection-group', 'show',
                        GROUP)['local_changes'] is None

    # Changes reach both sites again.
    env.cli('member-a-b', 'protection-group', 'delete', GROUP)
    for cloud in ('member-a', 'member-a-b'):
        assert GROUP not in [g['Name'] for g in env.cli_json(
            cloud, 'protection-group', 'list')]
