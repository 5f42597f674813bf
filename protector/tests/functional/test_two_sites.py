"""Two real sites: registration, groups, members and metadata sync.

The tests run in file order and build on each other, as an operator
would: register, validate, protect, check sync, lose the peer, repair.
"""

import json
import os

import pytest

from protector.common import metadata_content
from protector.tests.functional import two_sites as lab

GROUP = 'three-tier'
PEER_DOWN = "Peer site 'site-b' is unreachable"


def _site_args(env, name):
    return [name, '--auth-url', env.keystone.auth_url,
            '--username', 'protector',
            '--password', env.keystone.PASSWORDS['protector'],
            '--project-name', 'service',
            '--user-domain-name', 'Default',
            '--project-domain-name', 'Default',
            '--region-name', lab.REGIONS.get(name, 'RegionOne'),
            '--description', 'functional test site']


def _versions(env):
    a = env.cli_json('member-a', 'protection-group', 'sync-status', GROUP)
    b = env.cli_json('member-a-b', 'protection-group', 'sync-status', GROUP)
    return a, b


def test_register_both_sites_with_each_other(two_sites):
    for cloud in ('admin', 'admin-b'):
        for name in ('site-a', 'site-b'):
            args = _site_args(two_sites, name)
            two_sites.cli(cloud, 'site', 'create', *args)
        sites = two_sites.cli_json(cloud, 'site', 'list')
        assert sorted(s['Name'] for s in sites) == ['site-a', 'site-b']
    site = two_sites.cli_json('admin', 'site', 'show', 'site-a')
    assert 'password' not in json.dumps(site).lower()


def test_project_member_cannot_register_a_site(two_sites):
    result = two_sites.cli('member-a', 'site', 'create',
                           *_site_args(two_sites, 'site-c'), check=False)
    assert result.returncode != 0
    assert 'protector:sites:create' in result.stderr
    assert 'Traceback' not in result.stderr
    response = two_sites.rest('POST', 'site-a', '/v1/admin/sites',
                              'member-a', json={'site': {'name': 'x'}})
    assert response.status_code == 403


def test_validate_reports_every_check(two_sites):
    checks = two_sites.cli_json('admin', 'site', 'validate', 'site-b')
    by_name = {c['Check']: c for c in checks}
    assert by_name['keystone']['Result'] == 'passed'
    assert by_name['protector']['Result'] == 'passed'
    for name in ('compute', 'block-storage', 'network', 'volume_types'):
        assert by_name[name]['Result'] == 'passed', by_name[name]
    assert by_name['array']['Result'] == 'skipped'
    assert by_name['array']['Detail']
    types = two_sites.cli_json('admin', 'site', 'list-volume-types',
                               'site-a')
    assert [t['Name'] for t in types] == [lab.VOLUME_TYPE]


def test_tenant_mappings_on_both_sites(two_sites):
    project_a = two_sites.projects['project-a']
    for cloud, peer in (('admin', 'site-b'), ('admin-b', 'site-a')):
        two_sites.cli(cloud, 'tenant-mapping', 'create',
                      '--local-project', project_a, '--remote-site', peer,
                      '--remote-project', project_a)


def test_create_group_and_add_members(two_sites):
    group = two_sites.cli_json(
        'member-a', 'protection-group', 'create', GROUP,
        '--replication-type', 'async', '--primary-site', 'site-a',
        '--secondary-site', 'site-b',
        '--volume-type', lab.VOLUME_TYPE)
    assert group['status'] == 'active'
    assert group['current_primary_site'] == 'site-a'
    for server in ('web', 'app', 'db'):
        two_sites.cli('member-a', 'protection-group', 'member-add', GROUP,
                      server)
    members = two_sites.cli_json('member-a', 'protection-group',
                                 'member-list', GROUP)
    assert sorted(m['Server Name'] for m in members) == ['app', 'db',
                                                         'web']
    # The group and its members are on site-b too, in the mapped project.
    on_b = two_sites.cli_json('member-a-b', 'protection-group',
                              'member-list', GROUP)
    assert sorted(m['Server Name'] for m in on_b) == ['app', 'db', 'web']


def test_non_replicated_volume_is_refused(two_sites):
    result = two_sites.cli('member-a', 'protection-group', 'member-add',
                           GROUP, 'scratch', check=False)
    assert result.returncode != 0
    assert "uses volume type 'plain'" in result.stderr


def test_policy_secrets_are_write_only(two_sites):
    two_sites.cli('member-a', 'protection-group', 'policy-create', GROUP,
                  '--primary-fa-url', 'https://array-a.test',
                  '--primary-fa-token', 'TOKEN-A-never-shown',
                  '--secondary-fa-url', 'https://array-b.test',
                  '--secondary-fa-token', 'TOKEN-B-never-shown',
                  '--rpo-minutes', '15')
    for cloud in ('member-a', 'member-a-b'):
        policy = two_sites.cli('member-a', 'protection-group',
                               'policy-show', GROUP, '-f', 'json').stdout
        assert 'never-shown' not in policy
        assert 'https://array-b.test' in policy


def test_sync_status_in_sync_with_equal_versions(two_sites):
    a, b = _versions(two_sites)
    assert a['Sync Status'] == 'IN SYNC', a
    assert b['Sync Status'] == 'IN SYNC', b
    assert a['Local Version'] == a['Remote Version'] == b['Local Version']
    # create + 3 members + policy = 5 changes, one version each.
    assert a['Local Version'] == 5


MODIFICATIONS = [
    ('protection-group', 'set', GROUP, '--description', 'changed'),
    ('protection-group', 'member-remove', GROUP, 'web'),
    ('protection-group', 'member-add', GROUP, 'web'),
    ('protection-group', 'policy-set', GROUP, '--rpo-minutes', '5'),
    ('protection-group', 'mapping-set', GROUP, '--network', 'net-a=net-b'),
    ('protection-group', 'delete', GROUP),
]


def test_peer_down_refuses_every_modification(two_sites):
    two_sites.sites['site-b'].stop('protector-api')
    try:
        status = two_sites.cli_json('member-a', 'protection-group',
                                    'sync-status', GROUP)
        assert status['Sync Status'] == 'UNREACHABLE'
        for args in MODIFICATIONS:
            result = two_sites.cli('member-a', *args, check=False)
            assert result.returncode != 0, args
            assert PEER_DOWN in result.stderr, (args, result.stderr)
            assert 'sync-status %s' % GROUP in result.stderr
            assert 'Traceback' not in result.stderr
        plan = os.path.join(two_sites.base_dir, 'plan.json')
        with open(plan, 'w') as plan_file:
            json.dump({'devices': {}}, plan_file)
        result = two_sites.cli('member-a', 'protection-group',
                               'plan-import', GROUP, plan, check=False)
        assert PEER_DOWN in result.stderr
    finally:
        two_sites.sites['site-b'].start('protector-api')
    a, b = _versions(two_sites)
    assert a['Local Version'] == 5 and b['Local Version'] == 5


def _document(env, version, description):
    """A metadata document for the group, built from what the API shows.

    The test writes it to site B directly, as if a change made on B had
    not reached A.
    """
    project_a = env.projects['project-a']
    path = '/v1/%s/protection-groups/%s' % (project_a, GROUP)
    group = env.rest('GET', 'site-a', path, 'member-a').json()[
        'protection_group']
    members = env.rest('GET', 'site-a', path + '/members',
                       'member-a').json()['members']
    spec_keys = ('flavor', 'image', 'availability_zone', 'key_name',
                 'metadata', 'server_group', 'security_groups', 'ports',
                 'volumes')
    group_keys = ('name', 'replication_type', 'volume_type',
                  'secondary_volume_type', 'status', 'failover_count',
                  'consistency_groups', 'last_failover_at',
                  'last_replication_at', 'primary_site', 'secondary_site',
                  'current_primary_site', 'project_id')
    group_doc = {key: group[key] for key in group_keys}
    group_doc.update(description=description, mappings={}, subnets={},
                     last_failover_at=None, last_replication_at=None)
    return {
        'format': 1, 'id': group['id'], 'version': version,
        'group': group_doc,
        'members': [{
            'id': m['id'], 'server_id': m['server_id'],
            'server_name': m['server_name'], 'status': m['status'],
            'spec': dict({k: m[k] for k in spec_keys},
                         id=m['server_id'], name=m['server_name']),
            'rank': m['rank'], 'boot_condition': m['boot_condition'],
            'overrides': m['overrides']} for m in members],
        'policy': {'primary_fa_url': 'https://array-a.test',
                   'primary_fa_token': 'TOKEN-A-never-shown',
                   'secondary_fa_url': 'https://array-b.test',
                   'secondary_fa_token': 'TOKEN-B-never-shown',
                   'rpo_minutes': 15, 'replication_interval': 300,
                   'snapshot_retention': 24},
    }


def _force_onto_b(env, document):
    """Store a document on site B, as a sync-force from there would."""
    return env.rest(
        'PUT', 'site-b',
        '/v1/admin/sync/protection-groups/%s' % document['id'],
        'protector', 'service',
        json={'metadata': {'version': document['version'],
                           'digest': metadata_content.digest(document),
                           'force': True, 'document': document}})


def test_out_of_sync_is_refused_and_sync_force_repairs(two_sites):
    document = _document(two_sites, 7, 'newer on site-b')
    response = _force_onto_b(two_sites, document)
    assert response.status_code == 200, response.text
    stale = two_sites.rest(
        'PUT', 'site-b',
        '/v1/admin/sync/protection-groups/%s' % document['id'],
        'protector', 'service',
        json={'metadata': {
            'version': 6, 'digest': metadata_content.digest(document),
            'base': {'version': 5, 'digest': None},
            'document': dict(document, version=6)}})
    assert stale.status_code == 409
    assert stale.json()['error']['error_code'] == 'version_conflict'
    status = two_sites.cli_json('member-a', 'protection-group',
                                'sync-status', GROUP)
    assert status['Sync Status'] == 'OUT OF SYNC'
    result = two_sites.cli('member-a', 'protection-group', 'set', GROUP,
                           '--description', 'refused', check=False)
    assert result.returncode != 0
    assert ("Protection group '%s' is out of sync: version 5 on site-a, "
            "version 7 on site-b (different versions)" % GROUP) \
        in result.stderr
    assert 'sync-force %s' % GROUP in result.stderr
    # The higher version wins: site A takes site B's copy.
    forced = two_sites.cli_json('member-a', 'protection-group',
                                'sync-force', GROUP)
    assert forced['Sync Status'] == 'IN SYNC'
    a, b = _versions(two_sites)
    assert a['Local Version'] == b['Local Version'] == 7
    assert a['Local Digest'] == b['Local Digest'] == a['Remote Digest']
    shown = two_sites.cli_json('member-a', 'protection-group', 'show',
                               GROUP)
    assert shown['description'] == 'newer on site-b'
    # And changes flow again.
    two_sites.cli('member-a', 'protection-group', 'set', GROUP,
                  '--description', 'after repair')
    a, b = _versions(two_sites)
    assert a['Local Version'] == b['Local Version'] == 8


def test_same_version_different_content_is_found_and_repaired(two_sites):
    a, _b = _versions(two_sites)
    document = _document(two_sites, a['Local Version'], 'edited on b only')
    assert _force_onto_b(two_sites, document).status_code == 200

    a, b = _versions(two_sites)
    assert a['Sync Status'] == b['Sync Status'] == 'OUT OF SYNC'
    assert a['Local Version'] == a['Remote Version']
    assert a['Local Digest'] != a['Remote Digest']
    assert 'same version, different content' in a['Detail'].lower()
    result = two_sites.cli('member-a', 'protection-group', 'set', GROUP,
                           '--description', 'refused', check=False)
    assert result.returncode != 0 and 'different content' in result.stderr
    # Site A holds the workload: its copy wins.
    forced = two_sites.cli_json('member-a', 'protection-group',
                                'sync-force', GROUP)
    assert forced['Sync Status'] == 'IN SYNC'
    assert two_sites.cli_json('member-a-b', 'protection-group', 'show',
                              GROUP)['description'] == 'after repair'


def _group_id(env):
    return env.cli_json('member-a', 'protection-group', 'show',
                        GROUP)['id']


def test_other_project_gets_404(two_sites):
    group_id = _group_id(two_sites)
    project_b = two_sites.projects['project-b']
    path = '/v1/%s/protection-groups/%s' % (project_b, group_id)
    response = two_sites.rest('GET', 'site-a', path, 'member-b')
    assert response.status_code == 404
    assert response.json()['error']['message']
    result = two_sites.cli('member-b', 'protection-group', 'show', GROUP,
                           check=False)
    assert result.returncode != 0


def test_reader_cannot_change(two_sites):
    result = two_sites.cli('reader-a', 'protection-group', 'set', GROUP,
                           '--description', 'no', check=False)
    assert result.returncode != 0
    assert 'protector:protection_groups:update' in result.stderr
    listed = two_sites.cli_json('reader-a', 'protection-group', 'list')
    assert [g['Name'] for g in listed] == [GROUP]


@pytest.mark.parametrize('body,field', [
    ({'protection_group': {'name': 'x'}}, 'protection_group.replication'),
    ({'protection_group': {'name': 'x', 'replication_type': 'weekly',
                           'primary_site': 'site-a',
                           'secondary_site': 'site-b',
                           'volume_type': 'v'}},
     'protection_group.replication_type'),
    ({'protection_group': {'name': 'x', 'colour': 'red'}},
     'colour'),
])
def test_bad_body_names_the_field(two_sites, body, field):
    project_a = two_sites.projects['project-a']
    response = two_sites.rest('POST', 'site-a',
                              '/v1/%s/protection-groups' % project_a,
                              'member-a', json=body)
    assert response.status_code == 400
    assert field in response.json()['error']['message']


def test_microversion_negotiation(two_sites):
    project_a = two_sites.projects['project-a']
    path = '/v1/%s/protection-groups' % project_a
    ok = two_sites.rest('GET', 'site-a', path, 'member-a',
                        headers={'OpenStack-API-Version': 'protector 1.0'})
    assert ok.headers['OpenStack-API-Version'] == 'protector 1.0'
    too_new = two_sites.rest(
        'GET', 'site-a', path, 'member-a',
        headers={'OpenStack-API-Version': 'protector 9.0'})
    assert too_new.status_code == 406


def test_no_response_or_log_contains_a_secret(two_sites):
    secrets = [two_sites.keystone.PASSWORDS['protector'],
               'TOKEN-A-never-shown', 'TOKEN-B-never-shown']
    for output in two_sites.outputs:
        for secret in secrets:
            assert secret not in output, output[:500]
    for site in two_sites.sites.values():
        logs = site.logs()
        assert logs
        for secret in secrets[1:]:
            assert secret not in logs


# An Acura plan: ports as an object, in an order that is not sorted, and
# a key protector keeps without applying it.
ACURA_PLAN = {
    'devices': {
        'db': {'rank': 0, 'boot_condition': {'type': 'wait',
                                             'delay_seconds': 30},
               'ntp_server': 'ntp6.ntp-servers.net',
               'ports': {'port_1': {'subnet': 'backend'},
                         'port_0': {'subnet': 'backend',
                                    'routing_allowed': 'true'}}},
        'app': {'rank': 1, 'config_drive': 'true',
                'custom_image_metadata': 'hw_disk_bus=scsi'},
        'web': {'rank': 2, 'hostname': 'www-1'},
    },
    'subnets': {'backend': {'cidr': '10.20.0.0/24', 'mtu': 1450,
                            'subnet_id': '76377dae-4e35-4183-bafa-'
                                         'b06eef69249e'}},
}


def _export(env, cloud, *args):
    return env.cli(cloud, 'protection-group', 'plan-export', GROUP,
                   *args).stdout


def test_acura_plan_round_trip_on_both_sites(two_sites):
    path = os.path.join(two_sites.base_dir, 'acura-plan.json')
    with open(path, 'w') as plan_file:
        json.dump(ACURA_PLAN, plan_file)

    result = two_sites.cli('member-a', 'protection-group', 'plan-import',
                           GROUP, path)

    assert ('Warning: devices.db.ntp_server: ntp_server has no OpenStack '
            'meaning' in result.stderr), result.stderr
    for cloud in ('member-a', 'member-a-b'):
        exported = json.loads(_export(two_sites, cloud))
        assert exported == ACURA_PLAN, (cloud, exported)
        assert list(exported['devices']['db']['ports']) == [
            'port_1', 'port_0']
    table = os.path.join(two_sites.base_dir, 'servers.csv')
    _export(two_sites, 'member-a', '--file', table)
    with open(table) as table_file:
        assert table_file.read().splitlines() == [
            'name,id,rank,delay,flavor,ip', 'db,,0,30,,', 'app,,1,,,',
            'web,,2,,,']
    two_sites.cli('member-a', 'protection-group', 'plan-import', GROUP,
                  table)
    assert json.loads(_export(two_sites, 'member-a-b')) == ACURA_PLAN


def test_delete_group_on_both_sites(two_sites):
    two_sites.cli('member-a', 'protection-group', 'delete', GROUP)
    for cloud in ('member-a', 'member-a-b'):
        assert two_sites.cli_json(cloud, 'protection-group', 'list') == []
