#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""The configuration files of one site, written at every ``up``.

Each file is built as {section: {option: value}} and written only if its
text changed.  Logs: no ``log_file`` anywhere; every process writes to its
own log file through its standard output (see ``site``).
"""

import hashlib
import os

from lablib import layout

SERVICE_USERS = ('nova', 'neutron', 'cinder', 'glance', 'placement')

# Members may manage and unmanage volumes and snapshots of their project
# (protector adopts replicated volumes on the peer site with manage).
# Listing manageable volumes stays admin-only: the volume service reads
# the host's volumes with a DB call that demands an admin context whatever
# the policy says.
CINDER_POLICY = """\
# protector lab: manage/unmanage for project members (default: admin only)
"volume_extension:volume_manage": "role:admin or (role:member and project_id:%(project_id)s)"
"volume_extension:volume_unmanage": "role:admin or (role:member and project_id:%(project_id)s)"
"snapshot_extension:snapshot_manage": "role:admin or (role:member and project_id:%(project_id)s)"
"snapshot_extension:snapshot_unmanage": "role:admin or (role:member and project_id:%(project_id)s)"
"""  # noqa: E501


def ini(sections):
    lines = ['# Written by tools/lab/labctl: edits are overwritten by "up".']
    for section, options in sections.items():
        lines.append('')
        lines.append('[%s]' % section)
        for key, value in options.items():
            if isinstance(value, bool):
                value = 'true' if value else 'false'
            lines.append('%s = %s' % (key, value))
    return '\n'.join(lines) + '\n'


def write(path, text, mode=0o640):
    """Write text to path if it differs; return True if it changed."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def share(site):
    """The "NFS share" of the site's Cinder backend."""
    return '%s:%s' % (layout.LOOPBACK, site.volumes_dir)


def mount_point(site):
    """Where Cinder's NFS driver expects the share mounted (os-brick)."""
    digest = hashlib.md5(share(site).encode(), usedforsecurity=False)
    return os.path.join(site.dir, 'cinder', 'mnt', digest.hexdigest())


def _auth(site, user):
    return {
        'auth_type': 'password',
        'auth_url': site.auth_url,
        'username': user,
        'password': site.password(user),
        'user_domain_name': layout.DOMAIN,
        'project_name': 'service',
        'project_domain_name': layout.DOMAIN,
        'region_name': layout.REGION,
    }


def _authtoken(site, user):
    opts = {'www_authenticate_uri': site.url('keystone'),
            'service_token_roles_required': True}
    opts.update(_auth(site, user))
    return opts


def _lock_path(site, service):
    return {'lock_path': os.path.join(site.dir, service, 'locks')}


def keystone(site):
    d = os.path.join(site.dir, 'keystone')
    return {
        'DEFAULT': {'debug': False},
        'database': {'connection': site.db_url('keystone')},
        'token': {'provider': 'fernet'},
        'fernet_tokens': {'key_repository': os.path.join(d, 'fernet-keys')},
        'credential': {'key_repository': os.path.join(d, 'credential-keys')},
        # bcrypt's minimum: the default of 12 costs ~0.5 s per token.
        'identity': {'password_hash_rounds': 4},
        # In-process cache; consistent because uwsgi runs one process.
        'cache': {'enabled': True, 'backend': 'oslo_cache.dict'},
    }


def placement(site):
    return {
        'DEFAULT': {'debug': False},
        'api': {'auth_strategy': 'keystone'},
        'keystone_authtoken': _authtoken(site, 'placement'),
        'placement_database': {'connection': site.db_url('placement')},
    }


def glance(site):
    d = os.path.join(site.dir, 'glance')
    return {
        'DEFAULT': {'debug': False, 'enabled_backends': 'file:file',
                    'show_image_direct_url': True},
        'database': {'connection': site.db_url('glance')},
        'keystone_authtoken': _authtoken(site, 'glance'),
        'paste_deploy': {'flavor': 'keystone', 'config_file':
                         site.lab.venv_etc('glance', 'glance-api-paste.ini')},
        'glance_store': {'default_backend': 'file'},
        'file': {'filesystem_store_datadir': os.path.join(d, 'images')},
        'os_glance_staging_store': {
            'filesystem_store_datadir': os.path.join(d, 'staging')},
        'os_glance_tasks_store': {
            'filesystem_store_datadir': os.path.join(d, 'tasks')},
        'oslo_concurrency': _lock_path(site, 'glance'),
        'oslo_policy': {'enforce_new_defaults': True},
    }


def _nova_common(site):
    d = os.path.join(site.dir, 'nova')
    return {
        'DEFAULT': {
            'debug': False,
            'host': site.host,
            'my_ip': layout.LOOPBACK,
            'state_path': os.path.join(d, 'state'),
            'transport_url': site.transport_url,
            # The fake driver, with guests that outlive a restart.
            'compute_driver': 'lab_fake.LabFakeDriver',
            'sync_power_state_interval': -1,
            'heal_instance_info_cache_interval': -1,
        },
        'api': {'auth_strategy': 'keystone'},
        'keystone_authtoken': _authtoken(site, 'nova'),
        'placement': _auth(site, 'placement'),
        'neutron': _auth(site, 'neutron'),
        'cinder': dict(_auth(site, 'cinder'),
                       os_region_name=layout.REGION),
        'glance': {'region_name': layout.REGION},
        'service_user': dict(_auth(site, 'nova'),
                             send_service_user_token=True),
        'conductor': {'workers': 1},
        'scheduler': {'workers': 1,
                      'discover_hosts_in_cells_interval': 30},
        'vnc': {'enabled': False},
        'oslo_concurrency': _lock_path(site, 'nova'),
        # os-brick's connection guard takes an external lock for volumes
        # whose shared_targets is unknown (managed ones): it needs a path.
        'os_brick': _lock_path(site, 'nova'),
        'oslo_messaging_notifications': {'driver': 'noop'},
    }


def nova(site):
    conf = _nova_common(site)
    conf['api_database'] = {'connection': site.db_url('nova_api')}
    conf['database'] = {'connection': site.db_url('nova_cell1')}
    return conf


def nova_compute(site):
    # lab-facts: keep [database] out of the compute's configuration.
    conf = _nova_common(site)
    conf['DEFAULT'] = dict(conf['DEFAULT'],
                           instances_path=os.path.join(
                               site.dir, 'nova', 'instances'))
    return conf


def neutron(site):
    d = os.path.join(site.dir, 'neutron')
    return {
        'DEFAULT': {
            'debug': False,
            'core_plugin': 'ml2',
            'service_plugins': 'router',
            'auth_strategy': 'keystone',
            'transport_url': site.transport_url,
            'state_path': os.path.join(d, 'state'),
            'api_paste_config': site.lab.venv_etc('neutron', 'api-paste.ini'),
            'notify_nova_on_port_status_changes': True,
            'notify_nova_on_port_data_changes': True,
            # No DHCP agent: no DHCP provisioning block on ports.
            'enable_traditional_dhcp': False,
            'allow_overlapping_ips': True,
            'rpc_workers': 0,
            'rpc_state_report_workers': 0,
        },
        'database': {'connection': site.db_url('neutron')},
        'keystone_authtoken': _authtoken(site, 'neutron'),
        'nova': _auth(site, 'nova'),
        'oslo_concurrency': _lock_path(site, 'neutron'),
        'oslo_messaging_notifications': {'driver': 'noop'},
    }


def ml2(site):
    return {
        'ml2': {
            'type_drivers': 'flat,vlan',
            # Tenant networks without VXLAN: VLANs on physnet1.
            'tenant_network_types': 'vlan',
            'mechanism_drivers': 'lab_bind_all',
            'extension_drivers': 'port_security',
        },
        'ml2_type_flat': {'flat_networks': 'public'},
        'ml2_type_vlan': {'network_vlan_ranges': 'physnet1:1000:1999'},
    }


def cinder(site):
    d = os.path.join(site.dir, 'cinder')
    helper = '%s --config-file %s' % (site.lab.bin('privsep-helper'),
                                      site.etc('cinder', 'cinder.conf'))
    return {
        'DEFAULT': {
            'debug': False,
            'host': site.host,
            'my_ip': layout.LOOPBACK,
            'transport_url': site.transport_url,
            'auth_strategy': 'keystone',
            'state_path': os.path.join(d, 'state'),
            'api_paste_config': site.lab.venv_etc('cinder', 'api-paste.ini'),
            # Without it every filter (even ?name=) is refused with 400.
            'resource_query_filters_file': site.lab.venv_etc(
                'cinder', 'resource_filters.json'),
            'enabled_backends': 'lab',
            'default_volume_type': 'plain',
            'image_conversion_dir': os.path.join(d, 'conversion'),
            'osapi_volume_workers': 1,
            'glance_api_servers': site.url('glance'),
        },
        'database': {'connection': site.db_url('cinder')},
        'keystone_authtoken': _authtoken(site, 'cinder'),
        'nova': dict(_auth(site, 'cinder'), interface='public'),
        'service_user': dict(_auth(site, 'cinder'),
                             send_service_user_token=True),
        'oslo_concurrency': _lock_path(site, 'cinder'),
        'os_brick': _lock_path(site, 'cinder'),
        'oslo_policy': {'policy_file': site.etc('cinder', 'policy.yaml')},
        'oslo_messaging_notifications': {'driver': 'noop'},
        'coordination': {'backend_url': 'file://' + os.path.join(d, 'locks')},
        # No sudo on the machine: run privsep-helper directly (as root).
        'cinder_sys_admin': {'helper_command': helper},
        'privsep_osbrick': {'helper_command': helper},
        'lab': {
            'volume_driver':
                'protector_lab_plugins.cinder_driver.LabFileDriver',
            'volume_backend_name': 'lab',
            'nfs_shares_config': site.etc('cinder', 'shares.conf'),
            'nfs_mount_point_base': os.path.join(d, 'mnt'),
            'nfs_sparsed_volumes': True,
            'nfs_qcow2_volumes': False,
            'nfs_snapshot_support': True,
            'nas_secure_file_operations': 'false',
            'nas_secure_file_permissions': 'false',
            'image_volume_cache_enabled': False,
        },
    }


# configuration directory -> services that read it
READERS = {
    'keystone': ('keystone',),
    'placement': ('placement',),
    'glance': ('glance',),
    'nova': ('nova-api', 'nova-conductor', 'nova-scheduler', 'nova-compute'),
    'neutron': ('neutron-api',),
    'cinder': ('cinder-api', 'cinder-scheduler', 'cinder-volume'),
}


def affected_services(paths):
    """The services that read any of the configuration files in paths."""
    names = set()
    for path in paths:
        names.update(READERS.get(os.path.basename(os.path.dirname(path)),
                                 ()))
    return names


def write_site(site):
    """Write every configuration file of site; return the changed ones."""
    changed = []

    def put(path, text):
        if write(path, text):
            changed.append(path)

    put(site.etc('keystone', 'keystone.conf'), ini(keystone(site)))
    put(site.etc('placement', 'placement.conf'), ini(placement(site)))
    put(site.etc('glance', 'glance-api.conf'), ini(glance(site)))
    put(site.etc('nova', 'nova.conf'), ini(nova(site)))
    put(site.etc('nova', 'nova-compute.conf'), ini(nova_compute(site)))
    # lab-facts: the osapi WSGI app wants its api-paste.ini listed first.
    with open(site.lab.venv_etc('nova', 'api-paste.ini')) as f:
        put(site.etc('nova', 'api-paste.ini'), f.read())
    put(site.etc('neutron', 'neutron.conf'), ini(neutron(site)))
    put(site.etc('neutron', 'ml2_conf.ini'), ini(ml2(site)))
    put(site.etc('cinder', 'cinder.conf'), ini(cinder(site)))
    put(site.etc('cinder', 'policy.yaml'), CINDER_POLICY)
    put(site.etc('cinder', 'shares.conf'), share(site) + '\n')
    for sub in ('keystone', 'glance/images', 'glance/staging',
                'glance/tasks', 'glance/locks', 'nova/state',
                'nova/instances', 'nova/locks', 'neutron/state',
                'neutron/locks', 'cinder/state', 'cinder/locks',
                'cinder/conversion', 'cinder/mnt', 'logs', 'volumes'):
        os.makedirs(os.path.join(site.dir, sub), exist_ok=True)
    os.makedirs(mount_point(site), exist_ok=True)
    return changed
