"""Lists page by page on two real sites, with the real CLI.

The groups live in project-b, so that the other functional tests (project
a) see none of them; whatever the module registers (sites, tenant
mappings) it removes again, so the order of the test files does not
matter.
"""

import time
import urllib.parse

import pytest

from protector.tests.functional import two_sites as lab

GROUPS = ['page-%d' % i for i in range(7)]


@pytest.fixture(scope='module')
def groups(two_sites):
    """Seven groups of project-b, created in order; their ids."""
    project_b = two_sites.projects['project-b']
    path = '/v1/%s/protection-groups' % project_b
    ids = []
    with two_sites.registered(project_b):
        try:
            for name in GROUPS:
                response = two_sites.rest(
                    'POST', 'site-a', path, 'member-b',
                    json={'protection_group': {
                        'name': name, 'replication_type': 'async',
                        'primary_site': 'site-a',
                        'secondary_site': 'site-b',
                        'volume_type': lab.VOLUME_TYPE}})
                assert response.status_code == 201, response.text
                ids.append(response.json()['protection_group']['id'])
            yield ids
        finally:
            for group_id in ids:
                two_sites.rest('DELETE', 'site-a', path + '/' + group_id,
                               'member-b')


def _names(env, *args):
    return [g['Name'] for g in env.cli_json('member-b', 'protection-group',
                                            'list', *args)]


def test_cli_limit_and_marker(two_sites, groups):
    first = two_sites.cli_json('member-b', 'protection-group', 'list',
                               '--limit', '3')
    assert [g['Name'] for g in first] == GROUPS[:3]
    assert _names(two_sites, '--limit', '3', '--marker',
                  first[-1]['ID']) == GROUPS[3:6]
    assert _names(two_sites, '--marker', groups[5]) == GROUPS[6:]
    assert _names(two_sites) == GROUPS


def test_cli_sort(two_sites, groups):
    assert _names(two_sites, '--sort-key', 'name', '--sort-dir', 'desc',
                  '--limit', '2') == ['page-6', 'page-5']


def test_cli_invalid_parameters_name_what_is_allowed(two_sites, groups):
    result = two_sites.cli('member-b', 'protection-group', 'list',
                           '--sort-key', 'colour', check=False)
    assert result.returncode != 0
    assert "Invalid query parameter 'sort_key'" in result.stderr
    assert ("'created_at', 'updated_at', 'name', 'status', 'id'"
            in result.stderr)
    assert 'Traceback' not in result.stderr
    result = two_sites.cli('member-b', 'protection-group', 'list',
                           '--marker', 'no-such-group', check=False)
    assert result.returncode != 0
    assert "'no-such-group' is not the id of any protection group" in \
        result.stderr


def test_site_list_one_per_page(two_sites, groups):
    first = two_sites.cli_json('admin', 'site', 'list', '--limit', '1')
    rest = two_sites.cli_json('admin', 'site', 'list', '--marker',
                              first[0]['ID'])
    assert sorted(s['Name'] for s in first + rest) == ['site-a', 'site-b']


@pytest.mark.parametrize('site', ['site-a', 'site-b'])
def test_rest_next_links_on_both_sites(two_sites, groups, site):
    """The groups reached site-b too; both sites link page to page."""
    project_b = two_sites.projects['project-b']
    path = '/v1/%s/protection-groups' % project_b
    deadline = time.monotonic() + 30
    while len(two_sites.rest('GET', site, path, 'member-b').json()[
            'protection_groups']) < len(GROUPS):
        assert time.monotonic() < deadline, 'the groups never reached ' + site
        time.sleep(0.5)
    url = path + '?limit=3&sort_key=name'
    pages = []
    while url:
        response = two_sites.rest('GET', site, url, 'member-b')
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([g['name'] for g in body['protection_groups']])
        links = body.get('protection_groups_links')
        if not links:
            break
        (link,) = links
        assert link['rel'] == 'next'
        href = urllib.parse.urlsplit(link['href'])
        assert href.netloc == urllib.parse.urlsplit(
            two_sites.sites[site].url).netloc
        url = href.path + '?' + href.query
    assert pages == [GROUPS[:3], GROUPS[3:6], GROUPS[6:]]
