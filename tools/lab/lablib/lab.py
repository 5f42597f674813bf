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

"""The lab's commands: up, down, status, reset, env."""

import argparse
import concurrent.futures
import json
import os
import sys
import time

from lablib import configs
from lablib import install
from lablib import layout
from lablib import proc
from lablib import shared
from lablib import site as site_mod

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


def _all_secrets(lab):
    """Generate every password up front (never from two threads)."""
    for s in lab.sites:
        for user in ('admin', 'demo') + configs.SERVICE_USERS:
            s.password(user)
        for db in ('keystone', 'placement', 'glance', 'nova', 'neutron',
                   'cinder'):
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
    return proc.run([lab.python, '-m', 'lablib.cloud'] + list(args),
                    os.path.join(lab.log_dir, 'cloud.log'), timeout=900,
                    env=env, what='lablib.cloud %s' % ' '.join(args))


def up(lab, args):
    os.makedirs(lab.dir, exist_ok=True)
    os.chmod(lab.dir, 0o755)
    say('lab directory %s' % lab.dir)
    plugins_changed = install.ensure(lab)
    _all_secrets(lab)
    pg = shared.Postgres(lab)
    rabbit = shared.RabbitMQ(lab)
    runners = _runners(lab, pg)
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
    _parallel([pg.start, rabbit.start])
    say('PostgreSQL and RabbitMQ running')
    if not lab.done('shared-accounts'):
        for r in runners:
            r.create_databases()
            s = r.site
            rabbit.ensure_vhost(s.rabbit_vhost, s.rabbit_user,
                                lab.secret('mq-' + s.rabbit_user))
        lab.mark_done('shared-accounts')
        say('databases and RabbitMQ vhosts created')
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
    say('lab up (%.0fs). Use it with:  eval "$(%s env)"'
        % (time.monotonic() - _T0, _labctl()))
    return 0


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
    _parallel([r.stop for r in runners])
    say('OpenStack services stopped')
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


def status(lab, args):
    procs = proc.Processes(lab)
    pg = shared.Postgres(lab)
    rabbit = shared.RabbitMQ(lab)
    rows = [('shared', 'postgres', pg.pid(),
             '127.0.0.1:%d' % layout.POSTGRES_PORT),
            ('shared', 'rabbitmq', rabbit.pid() and shared.port_open(
                layout.RABBIT_PORT) and rabbit.pid(),
             '127.0.0.1:%d' % layout.RABBIT_PORT)]
    table = [(a, b, 'up' if pid else 'down',
              ('pid %d, ' % pid if pid else '') + where)
             for a, b, pid, where in rows]
    runners = _runners(lab, pg)
    results = {}

    def collect(r):
        return lambda: results.__setitem__(r.site.name, r.status())
    _parallel([collect(r) for r in runners])
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
    return 0 if all(row[2] == 'up' for row in table) else 3


def reset(lab, args):
    _parallel([lambda s=s: say(_cloud_tool(
        lab, 'reset', s.name, s.volumes_dir).strip() or '%s: reset' % s.name)
        for s in lab.sites])
    # FlashArray emulators: their reset (snapshots, pgroups, pods) goes
    # here when tools/lab/flasharray/ is wired into labctl.
    return 0


def env(lab, args):
    print('export OS_CLIENT_CONFIG_FILE=%s' % lab.clouds_yaml)
    print('export PROTECTOR_LAB_DIR=%s' % lab.dir)
    bin_dir = os.path.join(lab.dir, 'bin')
    print('export PATH=%s:$PATH' % bin_dir)
    # ---- FlashArray emulators (tools/lab/flasharray/) -------------------
    # The emulator adds here, per site:
    #   PROTECTOR_LAB_ARRAY_A_URL, PROTECTOR_LAB_ARRAY_A_TOKEN,
    #   PROTECTOR_LAB_ARRAY_B_URL, PROTECTOR_LAB_ARRAY_B_TOKEN
    # (site A's array is reserved port 16610, site B's 16710).
    for line in array_exports(lab):
        print(line)
    # ---------------------------------------------------------------------
    return 0


def array_exports(lab):
    """Export lines of the arrays' URLs and tokens (emulator's hook)."""
    return []


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='labctl', description='The two-site OpenStack lab of protector. '
        'State: $PROTECTOR_LAB_DIR (default %s).' % layout.DEFAULT_LAB_DIR)
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('up', help='install what is missing, configure, start '
                   '(idempotent)')
    sub.add_parser('down', help='stop every process of the lab')
    st = sub.add_parser('status', help='each service of each site: up/down '
                        '(exit 3 if any is down)')
    st.add_argument('--json', action='store_true')
    sub.add_parser('reset', help='delete every tenant resource on both '
                   'sites')
    sub.add_parser('env', help='print the exports to use the lab')
    args = parser.parse_args(argv)
    lab = layout.Lab()
    command = {'up': up, 'down': down, 'status': status, 'reset': reset,
               'env': env}[args.command]
    try:
        return command(lab, args)
    except proc.LabError as exc:
        print('labctl %s: ERROR: %s' % (args.command, exc), file=sys.stderr)
        return 1
