"""Protecting a lab server through protector reaches the cloud and arrays.

Run (after ``eval "$(tools/lab/labctl env)"``, with protector running on
both lab sites)::

    python -m pytest -v protector/tests/lab/test_protect_on_lab.py

A server booted on site A from a ``replicated-async`` volume is added to a
new protection group with the real ``openstack protector`` CLI.  Then:
its volume is in the group's Cinder volume group on site A, in the
protection group of array A, and a recovery point holding it has fully
arrived on array B.
"""

import json
import os
import subprocess
import time
import uuid
import warnings

import pytest

ENV = ('OS_CLIENT_CONFIG_FILE', 'PROTECTOR_LAB_ARRAY_A_URL',
       'PROTECTOR_LAB_ARRAY_A_TOKEN', 'PROTECTOR_LAB_ARRAY_B_URL',
       'PROTECTOR_LAB_ARRAY_B_TOKEN')
if not all(os.environ.get(name) for name in ENV):
    pytest.skip('needs %s: run eval "$(tools/lab/labctl env)" first'
                % ', '.join(ENV), allow_module_level=True)

openstack = pytest.importorskip('openstack')
purestorage = pytest.importorskip('purestorage')
warnings.filterwarnings('ignore', message='Unverified HTTPS request')

WAIT = 300


def cli(*args, cloud='site-a'):
    result = subprocess.run(
        ['openstack', '--os-cloud', cloud, 'protector'] + list(args),
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, '%s: %s%s' % (
        ' '.join(a if 'token' not in a else '***' for a in args[:3]),
        result.stdout, result.stderr)
    return result.stdout


def cli_json(*args, cloud='site-a'):
    return json.loads(cli(*(list(args) + ['-f', 'json']), cloud=cloud))


def array(letter):
    url = os.environ['PROTECTOR_LAB_ARRAY_%s_URL' % letter]
    return purestorage.FlashArray(
        url.split('://', 1)[-1],
        api_token=os.environ['PROTECTOR_LAB_ARRAY_%s_TOKEN' % letter])


def wait_for(predicate, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError('%s: not after %ss' % (what, timeout))
        time.sleep(1)


@pytest.fixture
def server():
    """A site-A server booted from a replicated volume, deleted after."""
    conn = openstack.connect(cloud='site-a')
    name = 'protect-%s' % uuid.uuid4().hex[:8]
    image = conn.image.find_image('lab-image', ignore_missing=False)
    network = conn.network.find_network('demo-web', ignore_missing=False)
    flavor = conn.compute.find_flavor('m1.tiny', ignore_missing=False)
    volume = conn.block_storage.create_volume(
        name=name, size=1, image_id=image.id, volume_type='replicated-async')
    conn.block_storage.wait_for_status(volume, 'available',
                                       failures=['error'], wait=WAIT)
    vm = conn.compute.create_server(
        name=name, flavor_id=flavor.id, networks=[{'uuid': network.id}],
        block_device_mapping=[{'boot_index': 0, 'uuid': volume.id,
                               'source_type': 'volume',
                               'destination_type': 'volume',
                               'delete_on_termination': True}])
    vm = conn.compute.wait_for_server(vm, wait=WAIT)
    yield conn, vm, volume
    conn.compute.delete_server(vm, ignore_missing=True)
    conn.compute.wait_for_delete(vm, wait=WAIT)


def test_member_add_reaches_cinder_group_and_both_arrays(server):
    conn, vm, volume = server
    name = vm.name
    group = cli_json('protection-group', 'create', name,
                     '--replication-type', 'async',
                     '--primary-site', 'site-a', '--secondary-site',
                     'site-b', '--volume-type', 'replicated-async')
    try:
        cli('protection-group', 'policy-create', name,
            '--primary-fa-url', os.environ['PROTECTOR_LAB_ARRAY_A_URL'],
            '--primary-fa-token', os.environ['PROTECTOR_LAB_ARRAY_A_TOKEN'],
            '--secondary-fa-url', os.environ['PROTECTOR_LAB_ARRAY_B_URL'],
            '--secondary-fa-token',
            os.environ['PROTECTOR_LAB_ARRAY_B_TOKEN'],
            '--rpo-minutes', '15', '--replication-interval', '300')
        cli('protection-group', 'member-add', name, vm.id)

        # The volume is in the group's Cinder volume group on site A.
        shown = cli_json('protection-group', 'show', name)
        volume_group = json.loads(shown['consistency_groups'])['site-a'] \
            if isinstance(shown['consistency_groups'], str) \
            else shown['consistency_groups']['site-a']
        answer = conn.block_storage.get(
            '/volumes/%s' % volume.id, microversion='3.13').json()
        assert answer['volume']['group_id'] == volume_group

        # ... in the protection group of array A ...
        pgroup = 'protector-%s' % group['id']
        array_a, array_b = array('A'), array('B')
        on_a = array_a.get_pgroup(pgroup)
        assert 'volume-%s' % volume.id in on_a['volumes']

        # ... and a recovery point holding it has fully arrived on B.
        source = array_a.get()['array_name']

        def completed():
            snaps = array_b.get_pgroup('%s:%s' % (source, pgroup),
                                       snap=True, transfer=True)
            return [s for s in snaps if s.get('completed')]
        snaps = wait_for(completed, 'a completed recovery point on B')
        volumes = array_b.get_volume(snaps[0]['name'], snap=True,
                                     pgroup=True)
        assert any(v['name'].endswith('.volume-%s' % volume.id)
                   for v in volumes), volumes
    finally:
        subprocess.run(['openstack', '--os-cloud', 'site-a', 'protector',
                        'protection-group', 'delete', name],
                       capture_output=True, timeout=300)
