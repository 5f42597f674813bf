"""Two protector sites on this machine, and the story told with the CLI.

Starts a real Keystone (site-a is its RegionOne, site-b its RegionTwo), a
private RabbitMQ and both sites' protector-api and protector-engine with
their embedded SQLite databases; the cloud and storage drivers are the
test fakes until the OpenStack lab exists.  Every command is printed
before its output, as an operator would type it.
"""

import argparse
import shlex
import sys
import tempfile
import time

from protector.tests.functional import two_sites as lab

GROUP = 'three-tier'


def say(text):
    print('\n== %s' % text, flush=True)


def run(env, cloud, *args):
    print('\n$ openstack --os-cloud %s protector %s'
          % (cloud, ' '.join(shlex.quote(a) for a in args)), flush=True)
    result = env.cli(cloud, *args, check=False)
    sys.stdout.write(result.stdout)
    if result.returncode:
        sys.stdout.write(result.stderr)
    sys.stdout.flush()
    return result


def story(env):
    project = env.projects['project-a']
    say('An administrator registers both sites on each site')
    for cloud in ('admin', 'admin-b'):
        for name in ('site-a', 'site-b'):
            run(env, cloud, 'site', 'create', name,
                '--auth-url', env.keystone.auth_url,
                '--username', 'protector',
                '--password', env.keystone.PASSWORDS['protector'],
                '--project-name', 'service',
                '--region-name', lab.REGIONS[name])
    run(env, 'admin', 'site', 'list')
    run(env, 'admin', 'site', 'validate', 'site-b')
    say('... and maps the tenant project to its peer project')
    for cloud, peer in (('admin', 'site-b'), ('admin-b', 'site-a')):
        run(env, cloud, 'tenant-mapping', 'create', '--local-project',
            project, '--remote-site', peer, '--remote-project', project)
    say('The tenant protects its three-tier application')
    run(env, 'member-a', 'protection-group', 'create', GROUP,
        '--replication-type', 'async', '--primary-site', 'site-a',
        '--secondary-site', 'site-b', '--volume-type', lab.VOLUME_TYPE)
    for server in ('web', 'app', 'db'):
        run(env, 'member-a', 'protection-group', 'member-add', GROUP,
            server)
    run(env, 'member-a', 'protection-group', 'member-list', GROUP)
    say('Both sites hold the same version of the metadata')
    run(env, 'member-a', 'protection-group', 'sync-status', GROUP)
    run(env, 'member-a-b', 'protection-group', 'sync-status', GROUP)
    say("site-b's protector-api stops: changes are refused")
    env.sites['site-b'].stop('protector-api')
    run(env, 'member-a', 'protection-group', 'sync-status', GROUP)
    run(env, 'member-a', 'protection-group', 'set', GROUP,
        '--description', 'changed while site-b is away')
    say('site-b returns; sync-force makes sure both copies are equal')
    env.sites['site-b'].start('protector-api')
    run(env, 'member-a', 'protection-group', 'sync-force', GROUP)
    run(env, 'member-a', 'protection-group', 'show', GROUP)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--keep', action='store_true',
                        help='keep both sites running until Ctrl-C')
    args = parser.parse_args()
    env = lab.TwoSites(tempfile.mkdtemp(prefix='protector-demo-'),
                       databases={'site-a': 'sqlite', 'site-b': 'sqlite'})
    try:
        say('Starting Keystone, RabbitMQ and two protector sites')
        started = time.monotonic()
        env.start()
        print('ready in %.0f s; state in %s'
              % (time.monotonic() - started, env.base_dir))
        story(env)
        if args.keep:
            print('\nexport OS_CLIENT_CONFIG_FILE=%s  (clouds: admin, '
                  'admin-b, member-a, member-a-b, member-b, reader-a)'
                  % env.clouds_yaml)
            print('Both sites keep running; Ctrl-C stops them.')
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        env.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
