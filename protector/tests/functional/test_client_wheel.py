"""python-protectorclient on an operator's workstation, against a site.

The client's wheel is built from this repository and installed alone in
a fresh virtualenv, its requirements from the package index, as
``pip install python-protectorclient`` does on a workstation.  Its
``openstack`` command then lists the protection groups of site A, and
nothing of the service (``protector``) is importable there.
"""

import json
import os
import subprocess
import sys

import pytest

from protector.tests.functional import two_sites as lab

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
CLIENT_DIST = os.path.join(REPO_ROOT, 'python-protectorclient')
GROUP = 'workstation'


def _run(command, cwd, env=None, timeout=900):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, '%s failed (%d): %s%s' % (
        ' '.join(command), result.returncode, result.stdout, result.stderr)
    return result


def _workstation_env(clouds_yaml):
    """An operator's shell: no Python path, only the clouds.yaml."""
    env = {key: value for key, value in os.environ.items()
           if key not in ('PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV')
           and not key.startswith('OS_')}
    env['OS_CLIENT_CONFIG_FILE'] = clouds_yaml
    return env


def _server_version():
    """The version pbr gives protector from the repository's git tags."""
    result = _run([sys.executable, 'setup.py', '--version'], REPO_ROOT,
                  timeout=120)
    return result.stdout.split()[-1]


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """The client's wheel, built from its sdist as ``tox -e wheels`` does."""
    dist = tmp_path_factory.mktemp('dist')
    _run([sys.executable, '-m', 'build', '--outdir', str(dist), CLIENT_DIST],
         str(dist))
    (built,) = dist.glob('python_protectorclient-*.whl')
    return built


@pytest.fixture(scope='module')
def workstation(two_sites, wheel, tmp_path_factory):
    """Run a command of a fresh virtualenv holding the client wheel."""
    home = tmp_path_factory.mktemp('workstation')
    venv = home / 'venv'
    env = _workstation_env(two_sites.clouds_yaml)
    _run([sys.executable, '-m', 'venv', str(venv)], str(home), env)
    _run([str(venv / 'bin' / 'python'), '-m', 'pip', 'install', '--quiet',
          str(wheel)], str(home), env)

    def run(name, *args):
        return subprocess.run([str(venv / 'bin' / name)] + list(args),
                              cwd=str(home), env=env, capture_output=True,
                              text=True, timeout=300)
    return run


@pytest.fixture(scope='module')
def group(two_sites):
    """A protection group of project-b on site A."""
    project_b = two_sites.projects['project-b']
    path = '/v1/%s/protection-groups' % project_b
    with two_sites.registered(project_b):
        response = two_sites.rest(
            'POST', 'site-a', path, 'member-b',
            json={'protection_group': {
                'name': GROUP, 'replication_type': 'async',
                'primary_site': 'site-a', 'secondary_site': 'site-b',
                'volume_type': lab.VOLUME_TYPE}})
        assert response.status_code == 201, response.text
        created = response.json()['protection_group']
        try:
            yield created
        finally:
            two_sites.rest('DELETE', 'site-a', path + '/' + created['id'],
                           'member-b')


def test_the_wheel_holds_the_client_with_the_server_version(wheel):
    name, version = wheel.name.split('-')[:2]
    assert name == 'python_protectorclient'
    assert version == _server_version()


def test_protection_group_list(workstation, group):
    result = workstation('openstack', '--os-cloud', 'member-b', 'protector',
                         'protection-group', 'list', '-f', 'json')

    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [(g['ID'], g['Name'], g['Status']) for g in listed] == [
        (group['id'], GROUP, 'active')]


def test_a_refusal_is_one_message(workstation, group):
    result = workstation('openstack', '--os-cloud', 'member-b', 'protector',
                         'protection-group', 'failover', GROUP,
                         '--retain-primary')

    assert result.returncode == 1
    assert "Invalid field 'failover.retain_primary'" in result.stderr
    assert ("start a drill with 'openstack protector protection-group "
            "test-failover'") in result.stderr
    assert 'Traceback' not in result.stderr


def test_the_service_is_not_installed(workstation):
    result = workstation('python', '-c', 'import protector')

    assert result.returncode == 1
    assert "No module named 'protector'" in result.stderr
    client = workstation('python', '-c', 'import protectorclient.osc.plugin')
    assert client.returncode == 0, client.stderr
