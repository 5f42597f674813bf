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
import subprocess
import uuid

import pytest

from protector.tests.lab import lab

lab.require_lab()
openstack = pytest.importorskip('openstack')
pytest.importorskip('purestorage')


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
                                       failures=['error'], wait=lab.WAIT)
    vm = conn.compute.create_server(
        name=name, flavor_id=flavor.id, networks=[{'uuid': network.id}],
        block_device_mapping=[{'boot_index': 0, 'uuid': volume.id,
                               'source_type': 'volume',
                               'destination_type': 'volume',
                               'delete_on_termination': True}])
    vm = conn.compute.wait_for_server(vm, wait=lab.WAIT)
    yield conn, vm, volume
    conn.compute.delete_server(vm, ignore_missing=True)
    conn.compute.wait_for_delete(vm, wait=lab.WAIT)


def test_member_add_reaches_cinder_group_and_both_arrays(server):
    conn, vm, volume = server
    name = vm.name
    group = lab.cli_json('protection-group', 'create', name,
                         '--replication-type', 'async',
                         '--primary-site', 'site-a', '--secondary-site',
                         'site-b', '--volume-type', 'replicated-async')
    try:
        lab.cli('protection-group', 'policy-create', name,
                *lab.policy_options())
        lab.cli('protection-group', 'member-add', name, vm.id)

        # The volume is in the group's Cinder volume group on site A.
        shown = lab.cli_json('protection-group', 'show', name)
        volume_group = json.loads(shown['consistency_groups'])['site-a'] \
            if isinstance(shown['consistency_groups'], str) \
            else shown['consistency_groups']['site-a']
        answer = conn.block_storage.get(
            '/volumes/%s' % volume.id, microversion='3.13').json()
        assert answer['volume']['group_id'] == volume_group

        # ... in the protection group of array A ...
        pgroup = 'protector-%s' % group['id']
        array_a, array_b = lab.array('A'), lab.array('B')
        on_a = array_a.get_pgroup(pgroup)
        assert 'volume-%s' % volume.id in on_a['volumes']

        # ... and a recovery point holding it has fully arrived on B.
        source = array_a.get()['array_name']

        def completed():
            snaps = array_b.get_pgroup('%s:%s' % (source, pgroup),
                                       snap=True, transfer=True)
            return [s for s in snaps if s.get('completed')]
        snaps = lab.wait_for(completed, 'a completed recovery point on B')
        volumes = array_b.get_volume(snaps[0]['name'], snap=True,
                                     pgroup=True)
        assert any(v['name'].endswith('.volume-%s' % volume.id)
                   for v in volumes), volumes
    finally:
        subprocess.run(['openstack', '--os-cloud', 'site-a', 'protector',
                        'protection-group', 'delete', name],
                       capture_output=True, timeout=300)
