"""The cloud driver contract against a real site of the two-site lab.

Run (after ``eval "$(tools/lab/labctl env)"``)::

    OS_CLIENT_CONFIG_FILE=... PROTECTOR_LAB_CLOUD=site-a-admin \\
        python -m pytest -v protector/tests/lab/test_cloud_contract.py

``PROTECTOR_LAB_CLOUD`` names a clouds.yaml entry of the site's service
user (admin in project ``service``), exactly what a site registration
holds.  Optional:

- ``PROTECTOR_LAB_SITE``: the site's name (default: the cloud name without
  ``-admin``);
- ``PROTECTOR_LAB_PROJECT``: the tenant project the tests work in, by name
  or id (default ``demo``); ``PROTECTOR_LAB_OTHER_PROJECT``: a second one
  for the isolation checks (skipped without it);
- ``PROTECTOR_LAB_FLAVOR``, ``PROTECTOR_LAB_IMAGE``,
  ``PROTECTOR_LAB_VOLUME_TYPE``: defaults are the smallest flavor, the
  first active image (none: blank boot volumes marked bootable) and the
  first replication-enabled volume type;
- ``PROTECTOR_LAB_FIP_ROUTABLE=1`` when new subnets can reach the external
  network through a router; ``PROTECTOR_LAB_WAIT`` seconds (default 300).

Every test creates its resources under a ``protector-contract-`` prefix
in that project and deletes them afterwards.
"""

import os
import tempfile
import types
import unittest

from keystoneauth1 import adapter
import pytest

from protector.common import crypto
from protector.common import keystone
from protector import conf
from protector.drivers.cloud import openstack as openstack_driver
from protector.tests.unit.drivers import cloud_contract

CLOUD = os.environ.get('PROTECTOR_LAB_CLOUD')
CLOUDS_YAML = os.environ.get('OS_CLIENT_CONFIG_FILE')

if not (CLOUD and CLOUDS_YAML):
    pytest.skip('lab contract tests need OS_CLIENT_CONFIG_FILE (a '
                'clouds.yaml) and PROTECTOR_LAB_CLOUD (its entry for the '
                "site's service user, e.g. site-a-admin); run "
                'eval "$(tools/lab/labctl env)" first',
                allow_module_level=True)

_settings = {}


def _site():
    from openstack import config as os_config
    region = os_config.OpenStackConfig(
        config_files=[CLOUDS_YAML], load_envvars=False).get_one(cloud=CLOUD)
    auth = region.config['auth']
    key_dir = tempfile.mkdtemp(prefix='protector-lab-')
    conf.CONF([], project='protector', default_config_files=[])
    conf.CONF.set_override('key_file', os.path.join(key_dir, 'secret.key'),
                           group='crypto')
    crypto.reset()
    name = os.environ.get('PROTECTOR_LAB_SITE') or CLOUD.replace('-admin',
                                                                 '')
    return types.SimpleNamespace(
        id='lab-%s' % name, name=name, updated_at=None,
        auth_url=auth['auth_url'], username=auth['username'],
        password_encrypted=crypto.encrypt(auth['password']),
        project_name=auth.get('project_name', 'service'),
        user_domain_name=auth.get('user_domain_name', 'Default'),
        project_domain_name=auth.get('project_domain_name', 'Default'),
        region_name=region.region_name or 'RegionOne')


def _project_id(site, ident):
    identity = adapter.Adapter(keystone.site_session(site),
                               service_type='identity',
                               region_name=site.region_name,
                               version=(3, 0))
    projects = identity.get('/projects', params={'name': ident}).json()
    found = [p['id'] for p in projects['projects']]
    return found[0] if found else ident


def settings():
    if not _settings:
        site = _site()
        driver = openstack_driver.OpenStackCloudDriver(
            site, keystone.site_session(site))
        project_id = _project_id(
            site, os.environ.get('PROTECTOR_LAB_PROJECT', 'demo'))
        other = os.environ.get('PROTECTOR_LAB_OTHER_PROJECT')
        flavor = os.environ.get('PROTECTOR_LAB_FLAVOR') or min(
            driver.list_flavors(project_id),
            key=lambda f: (f['ram'], f['vcpus'], f['disk']))['name']
        image = os.environ.get('PROTECTOR_LAB_IMAGE')
        if image is None:
            active = [i for i in driver.list_images(project_id)
                      if i['status'] == 'active']
            image = active[0]['id'] if active else None
        elif image:
            image = driver.find_image(project_id, image)['id']
        volume_type = os.environ.get('PROTECTOR_LAB_VOLUME_TYPE')
        if not volume_type:
            replicated = driver.list_replicated_volume_types()
            volume_type = replicated[0]['name'] if replicated else None
        _settings.update(
            site=site, project_id=project_id,
            other_project_id=other and _project_id(site, other),
            flavor=flavor, image=image or None, volume_type=volume_type,
            floating_ips_routable=os.environ.get(
                'PROTECTOR_LAB_FIP_ROUTABLE') == '1',
            wait_timeout=int(os.environ.get('PROTECTOR_LAB_WAIT', 300)))
    return _settings


class OpenStackCloudContract(cloud_contract.CloudDriverContract,
                             unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for key, value in settings().items():
            if key != 'site':
                setattr(cls, key, value)
        if not cls.volume_type:
            raise unittest.SkipTest(
                "site %s has no volume type with replication_enabled='<is> "
                "True'" % settings()['site'].name)

    def make_driver(self):
        site = settings()['site']
        return openstack_driver.OpenStackCloudDriver(
            site, keystone.site_session(site))
