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

"""The lab's commands: up, down, status, reset, env, demo."""

import argparse
import concurrent.futures
import json
import os
import signal
import sys
import time

from lablib import arrays as arrays_mod
from lablib import configs
from lablib import demo as demo_mod
from lablib import install
from lablib import layout
from lablib import proc
from lablib import protector_site
from lablib import shared
from lablib import site as site_mod

from protector.tests import processes

_T0 = time.monotonic()

# Command-line clients of the lab venv put on PATH by "labctl env".
CLIENTS = ('openstack', 'cinder')


def say(msg):
    print('[%5.1fs] %s' % (time.monotonic() - _T0, msg), flush=True)


def _parallel(funcs):
    """Run callables in threads; raise the first error after all end."""
    with concurrent.futures.ThreadPoolExecutor(len(funcs)) as pool:
        jobs = [pool.submit(f) for f in funcs]
        errors = []
        for job in jobs:
            try:
                job.result()
            except Exception as exc:
                errors.append(exc)
    if errors:
        raise errors[0]


def _runners(lab, pg):
    return [site_mod.SiteRunner(s, pg, say) for s in lab.sites]


def _arrays(lab):
    return [arrays_mod.Array(s) for s in lab.sites]


def _protectors(lab):
    return [protector_site.ProtectorSite(s, say) for s in lab.sites]


def _all_secrets(lab):
    """Generate every password up front (never from two threads)."""
    for s in lab.sites:
        for user in (('admin', 'demo', protector_site.SERVICE_USER)
                     + configs.SERVICE_USERS):
            s.password(user)
        for db in ('keystone', 'placement', 'glance', 'nova', 'neutron',
                   'cinder', 'protector'):
            lab.secret('db-' + s.db_user(db))
        lab.secret('mq-' + s.rabbit_user)


def write_clouds_yaml(lab):
    lines = ['# Written by tools/lab/labctl: the clouds of the protector lab.',
             'clouds:']
    for s in lab.sites:
        for cloud, user, project in ((s.name, 'demo', 'demo'),
                                     (s.name + '-admin', 'admin', 'admin')):
            lines += ['  %s:' % cloud,
                      '    auth:',
                      '      auth_url: "%s"' % s.auth_url,
                      '      username: "%s"' % user,
                      '      password: "%s"' % s.password(user),
                      '      project_name: "%s"' % project,
                      '      user_domain_name: "%s"' % layout.DOMAIN,
                      '      project_domain_name: "%s"' % layout.DOMAIN,
                      '    region_name: "%s"' % layout.REGION,
                      '    interface: "public"',
                      '    identity_api_version: "3"']
    configs.write(lab.clouds_yaml, '\n'.join(lines) + '\n', mode=0o600)


def _cloud_tool(lab, *args):
    """Run lablib.cloud inside the lab virtualenv (openstacksdk)."""
    env = dict(os.environ)
    for key in list(env):
        if key.startswith('OS_'):
            env.pop(key)
    env['OS_CLIENT_CONFIG_FILE'] = lab.clouds_yaml
    env['PYTHONPATH'] = layout.TOOLS_LAB_DIR
    return processes.run([lab.python, '-m', 'lablib.cloud'] + list(args),
                         os.path.join(lab.log_dir, 'cloud.log'), timeout=900,
                         env=env, what='lablib.cloud %s' % ' '.join(args))


def up(lab, args):
    os.makedirs(lab.dir, exist_ok=True)
    os.chmod(lab.dir, 0o755)
    say('lab directory %s' % lab.dir)
    plugins_changed = install.ensure(lab)
    protector_changed = protector_site.install(lab, say)
    _all_secrets(lab)
    pg = shared.Postgres(lab)
    rabbit = shared.RabbitMQ(lab)
    runners = _runners(lab, pg)
    arrays = _arrays(lab)
    protectors = _protectors(lab)
    for r in runners:
        changed = configs.affected_services(configs.write_site(r.site))
        if plugins_changed:
            changed.update(install.PLUGIN_USERS)
        running = [svc.key for svc in r.services
                   if svc.name in changed and r.procs.pid(svc.key)]
        if running:
            say('configuration or plugins changed: restarting %s'
                % ' '.join(running))
            r.procs.stop(running)
        r.mount()
    started = []
    _parallel([pg.start, rabbit.start] + [
        lambda a=a: a.start() and started.append(a) for a in arrays])
    say('PostgreSQL, RabbitMQ and the arrays running')
    if arrays[0].connect(arrays[1]):
        say('arrays %s and %s connected for replication'
            % (arrays[0].site.array_name, arrays[1].site.array_name))
    if started:
        # Until each array's heartbeat has reached the other one.
        processes.wait_for(lambda: arrays[0].sees(arrays[1])
                           and arrays[1].sees(arrays[0]), 30,
                           'array connection', [a.log for a in arrays],
                           interval=0.5)
    if not lab.done('shared-accounts'):
        for r in runners:
            r.create_databases()
            s = r.site
            rabbit.ensure_vhost(s.rabbit_vhost, s.rabbit_user,
                                lab.secret('mq-' + s.rabbit_user))
        lab.mark_done('shared-accounts')
        say('databases and RabbitMQ vhosts created')
    if not lab.done('protector-databases'):
        for p in protectors:
            p.create_database(pg)
        lab.mark_done('protector-databases')
    write_clouds_yaml(lab)
    _link_clients(lab)

    def bring_up(r):
        def run():
            first = not lab.done('%s-register' % r.site.name)
            r._once('keystone-setup', r._keystone_setup)
            if not first:
                # Configured before: start everything at once.
                r.start()
                return
            r.start(['keystone'])
            r.sync_databases()
            r.wait_apis(names=['keystone'])
            r._once('register', r.register)
            r.start()
        return run

    _parallel([bring_up(r) for r in runners])
    say('all services started; waiting for them to answer')
    _parallel([r.wait_apis for r in runners])
    say('all APIs answer; waiting for Nova and Cinder services')
    _parallel([r.wait_workers for r in runners])
    for r in runners:
        r._once('discover-hosts', r.discover_hosts)
    _parallel([lambda r=r: r._once(
        'cloud-setup', lambda: _cloud_tool(lab, 'setup', r.site.name))
        for r in runners])
    say('OpenStack up; protector and the demo tenant next')
    storage = protector_site.storage_driver(lab)
    code_changed = protector_site.code_changed(lab)

    def protector_up(r, p):
        def run():
            p.storage = storage
            if (p.configure() or protector_changed or code_changed) \
                    and p.running():
                r.say('protector configuration or code changed: '
                      'restarting it')
                p.stop()
            r._once('protector-accounts',
                    lambda: p.script('create_protector_accounts'))
            if p.start():
                r.say('protector-api and %d protector-engines started '
                      '(storage driver %s)' % (len(protector_site.ENGINES),
                                               storage))
        return run

    def demo_tenant(r):
        return lambda: r._once('demo-tenant', lambda: say(_cloud_tool(
            lab, 'demo', r.site.name, demo_key(lab)).strip()))

    _parallel([protector_up(r, p) for r, p in zip(runners, protectors)]
              + [demo_tenant(r) for r in runners])
    protector_site.code_changed(lab, record=True)
    if not lab.done('protector-register'):
        _parallel([lambda s=s: protector_site.register_sites(lab, s)
                   for s in lab.sites])
        lab.mark_done('protector-register')
        say('site-a and site-b registered on both sites, demo projects '
            'mapped')
    say('lab up (%.0fs). Use it with:  eval "$(%s env)"'
        % (time.monotonic() - _T0, _labctl()))
    return 0


def demo_key(lab):
    """The private key of the demo key pair (its .pub next to it)."""
    return os.path.join(lab.dir, 'demo-key')


def _link_clients(lab):
    """<lab>/bin: the lab's openstack CLI, without the venv's python."""
    bin_dir = os.path.join(lab.dir, 'bin')
    os.makedirs(bin_dir, exist_ok=True)
    for name in CLIENTS:
        link = os.path.join(bin_dir, name)
        if not os.path.lexists(link):
            os.symlink(lab.bin(name), link)


def _labctl():
    return os.path.join(layout.TOOLS_LAB_DIR, 'labctl')


def down(lab, args):
    pg = shared.Postgres(lab)
    rabbit = shared.RabbitMQ(lab)
    runners = _runners(lab, pg)
    _parallel([p.stop for p in _protectors(lab)])
    _parallel([r.stop for r in runners] + [a.stop for a in _arrays(lab)])
    say('protector, OpenStack services and arrays stopped')
    rabbit.stop()
    pg.stop()
    strays = proc.Processes(lab).sweep()
    if strays:
        say('stopped leftover processes: %s' % ' '.join(map(str, strays)))
    for r in runners:
        r.unmount()
    left = proc.Processes(lab).strays()
    say('lab down (%.0fs)%s' % (
        time.monotonic() - _T0, '; STILL RUNNING: %s' % left if left else ''))
    return 1 if left else 0


def stop(lab, args):
    """Stop services of one site (a disaster); ``up`` starts them again."""
    procs = proc.Processes(lab)
    keys = ['%s-%s' % (args.site, name)
            for name in protector_site.services(args.services)]
    unknown = [k for k in keys if procs.record(k) is None]
    if unknown:
        raise proc.LabError('not running (or not a service of the lab): %s;'
                            ' see labctl status' % ', '.join(unknown))
    procs.stop(keys, sig=signal.SIGKILL if args.kill else signal.SIGTERM)
    say('%s %s on %s' % ('killed (SIGKILL)' if args.kill else 'stopped',
                         ' '.join(args.services), args.site))
    return 0


def status(lab, args):
    procs = proc.Processes(lab)
    pg = shared.Postgres(lab)
    rabbit = shared.RabbitMQ(lab)
    rows = [('shared', 'postgres', pg.pid(),
             '127.0.0.1:%d' % layout.POSTGRES_PORT),
            ('shared', 'rabbitmq', rabbit.pid() and processes.port_in_use(
                layout.RABBIT_PORT) and rabbit.pid(),
             '127.0.0.1:%d' % layout.RABBIT_PORT)]
    table = [(a, b, 'up' if pid else 'down',
              ('pid %d, ' % pid if pid else '') + where)
             for a, b, pid, where in rows]
    runners = _runners(lab, pg)
    results = {}

    def collect(r, a, p):
        return lambda: results.__setitem__(
            r.site.name, r.status() + [a.status()] + p.status())
    _parallel([collect(r, a, p) for r, a, p in zip(
        runners, _arrays(lab), _protectors(lab))])
    for r in runners:
        for name, state, detail in results[r.site.name]:
            table.append((r.site.name, name, state, detail))
    count, rss, pss = procs.memory()
    if args.json:
        print(json.dumps({
            'services': [dict(zip(('site', 'service', 'state', 'detail'),
                                  row)) for row in table],
            'memory': {'processes': count, 'rss_kib': rss, 'pss_kib': pss}},
            indent=1))
    else:
        for row in table:
            print('%-7s %-17s %-5s %s' % row)
        print('memory: %d processes, RSS sum %.2f GiB, PSS sum %.2f GiB'
              % (count, rss / 1048576.0, pss / 1048576.0))
    if not count:
        return 4
    return 0 if all(row[2] == 'up' for row in table) else 3


def reset(lab, args):
    # protector's groups of the demo project first (a deletion on one site
    # is a deletion on both), while their servers still exist.
    for p in _protectors(lab):
        if p.running():
            say('%s: deleted %d protection group(s) of project demo' % (
                p.site.name, protector_site.delete_groups(lab, p.site)))
    # Arrays next: pods and array snapshots go, then the Cinder volumes,
    # then the files no Cinder volume owns (the volumes the arrays made).
    for a in _arrays(lab):
        counts = a.reset()
        say('%s reset: deleted %s' % (a.site.array_name, ', '.join(
            '%d %s' % (n, what) for what, n in sorted(counts.items()))))
    _parallel([lambda s=s: say(_cloud_tool(
        lab, 'reset', s.name, s.volumes_dir).strip() or '%s: reset' % s.name)
        for s in lab.sites])
    for s in lab.sites:
        # The next "up" (or "demo") builds the demo tenant again.
        try:
            os.unlink(lab.marker('%s-demo-tenant' % s.name))
        except FileNotFoundError:
            pass
    return 0


def env(lab, args):
    print('export OS_CLIENT_CONFIG_FILE=%s' % lab.clouds_yaml)
    print('export PROTECTOR_LAB_DIR=%s' % lab.dir)
    bin_dir = os.path.join(lab.dir, 'bin')
    print('export PATH=%s:$PATH' % bin_dir)
    # The FlashArray emulators: PROTECTOR_LAB_ARRAY_{A,B}_{URL,TOKEN}.
    for a in _arrays(lab):
        for line in a.exports():
            print(line)
    # protector-engine's Prometheus metrics: PROTECTOR_LAB_METRICS_{A,B}_URL.
    # ... and its notifications, on the site's RabbitMQ vhost:
    # PROTECTOR_LAB_TRANSPORT_{A,B}_URL.
    for s in lab.sites:
        print('export PROTECTOR_LAB_METRICS_%s_URL=%s'
              % (s.letter.upper(), s.metrics_url))
        print('export PROTECTOR_LAB_TRANSPORT_%s_URL=%s'
              % (s.letter.upper(), s.transport_url))
    return 0


def demo(lab, args):
    return demo_mod.main(lab, lambda: up(lab, args),
                         lambda: reset(lab, args))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='labctl', description='The two-site OpenStack lab of protector. '
        'State: $PROTECTOR_LAB_DIR (default %s).' % layout.DEFAULT_LAB_DIR)
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('up', help='install what is missing, configure, start '
                   '(idempotent)')
    sub.add_parser('down', help='stop every process of the lab')
    st = sub.add_parser('status', help='each service of each site: up/down '
                        '(exit 3 if any is down, 4 if none runs)')
    st.add_argument('--json', action='store_true')
    sp = sub.add_parser('stop', help='stop services of one site, as a '
                        'disaster would ("up" starts them again)')
    sp.add_argument('site', choices=[s.name for s in layout.Lab().sites])
    sp.add_argument('services', nargs='+', metavar='service',
                    help='as "labctl status" names them, e.g. nova-api '
                    'protector-engine-1 (protector-engine: all engines)')
    sp.add_argument('--kill', action='store_true',
                    help='SIGKILL, no time to clean up')
    sub.add_parser('reset', help='delete every tenant resource on both '
                   'sites')
    sub.add_parser('env', help='print the exports to use the lab')
    sub.add_parser('demo', help='bring the lab up if needed and show '
                   'protector with the real CLI')
    args = parser.parse_args(argv)
    lab = layout.Lab()
    command = {'up': up, 'down': down, 'status': status, 'stop': stop,
               'reset': reset,
               'env': env, 'demo': demo}[args.command]
    try:
        return command(lab, args)
    except proc.LabError as exc:
        print('labctl %s: ERROR: %s' % (args.command, exc), file=sys.stderr)
        return 1
