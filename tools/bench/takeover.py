"""Benchmark: how soon a site's other engine takes a failover over.

Run it with the lab's Python after ``eval "$(tools/lab/labctl env)"``::

    /var/tmp/protector-lab/venv/bin/python tools/bench/takeover.py

It protects N servers (``--members``, default 4) in the group
``bench-<N>`` as ``failover.py`` does, then ``--rounds`` times (default 5):
a planned failover to site B during which the engine of site A that
claimed it is killed (SIGKILL, ``labctl stop site-a protector-engine-K
--kill``) once the operation is ``--kill-at`` percent done (default 30),
then a failback home.  For each round it measures, from the kill:

* **claimed**: until the other engine claimed the operation (the
  operation's ``engine.claimed_at``, microversion 1.3);
* **resumed**: until the other engine finished its first step (its log).

The killed engine is started again (``labctl up``) before the failback.
Progress goes to stderr, the figures to stdout; then everything it made
is removed.  See README.rst.
"""

import argparse
import datetime
import json
import statistics
import sys
import warnings

import failover

NETWORK_MAPPING = {name: name for name in failover.NETWORKS}
say = failover.say


def engine_named(pid):
    """Which of site A's engines (``protector-engine-K``) has ``pid``."""
    for name, path in zip(failover.ENGINES, failover.ENGINE_PIDS):
        with open(path) as f:
            if json.load(f)['pid'] == pid:
                return name
    raise RuntimeError('no engine of site A has pid %s' % pid)


def first_step_of(pid, offsets, operation_id):
    """When the engine ``pid`` logged the operation's first step done.

    The killed engine may log a step between the look at the progress and
    the kill: only the lines of the engine that took over count.
    """
    for when, message in failover.engine_log(offsets, operation_id, pid):
        step = failover.STEP.search(message)
        if step:
            return when, step.group(1)
    return None, None


def one_round(a, group_id, kill_at, state):
    offsets = failover.log_offsets()
    operation = a.protector.protection_groups.action(
        group_id, 'failover', type='planned',
        network_mapping=NETWORK_MAPPING)
    state['operations'].append(operation['id'])

    def far_enough():
        shown = a.protector.operations.get(operation['id'])
        if shown['status'] not in failover.RUNNING:
            raise RuntimeError('the failover ended (%s) before %d %%'
                               % (shown['status'], kill_at))
        engine = shown.get('engine') or {}
        if shown['progress'] >= kill_at and engine.get('pid'):
            return shown
    shown = failover.wait_for(far_enough, '%d %% of the failover' % kill_at,
                              600, interval=0.2)
    victim = engine_named(shown['engine']['pid'])
    # The API answers in UTC, the engines log in the host's time.
    killed_utc = datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None)
    killed_at = datetime.datetime.now()
    failover.labctl('stop', 'site-a', victim, '--kill')
    say('killed %s (pid %d) at %d %%, after %s' % (
        victim, shown['engine']['pid'], shown['progress'],
        (shown.get('steps_completed') or ['no step'])[-1]))
    ended = failover.wait_operation(a, operation, 1800)
    if ended['status'] != 'completed':
        raise RuntimeError('failover %s: %s' % (ended['status'],
                                                ended.get('steps_failed')))
    claimed = failover.parse_time(ended['engine']['claimed_at'])
    resumed, step = first_step_of(ended['engine']['pid'], offsets,
                                  operation['id'])
    figures = {
        'claimed': (claimed - killed_utc).total_seconds(),
        'resumed': (resumed - killed_at).total_seconds() if resumed
        else None,
        'step': step, 'claims': ended['engine']['claims'],
        'progress': shown['progress']}
    say('taken over: claimed after %.1f s, step %s done after %s s, '
        'claims %d' % (figures['claimed'], step,
                       '-' if resumed is None else
                       '%.1f' % figures['resumed'], figures['claims']))
    failover.labctl('up')
    back = a.protector.protection_groups.action(
        group_id, 'failback', network_mapping=NETWORK_MAPPING)
    state['operations'].append(back['id'])
    back = failover.wait_operation(a, back, 1800)
    if back['status'] != 'completed':
        raise RuntimeError('failback %s' % back['status'])
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--members', type=int, default=4)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--kill-at', type=int, default=30,
                        help='percent of the failover done at the kill')
    parser.add_argument('--threads', type=int, default=4)
    parser.add_argument('--boot-delay', type=int, default=0)
    args = parser.parse_args(argv)
    warnings.filterwarnings('ignore', message='Unverified HTTPS request')
    a, b = failover.Site('site-a'), failover.Site('site-b')
    n, state, rounds = args.members, {'operations': []}, []
    original = failover.original_quotas((a, b))
    try:
        for site in (a, b):
            failover.raise_quotas(site, original[site.name], n)
        failover.setup(a, n, args, state)
        for number in range(1, args.rounds + 1):
            say('round %d of %d' % (number, args.rounds))
            rounds.append(one_round(a, state['group_id'], args.kill_at,
                                    state))
    finally:
        failover.labctl('up')
        failover.cleanup((a, b), n, state)
        failover.restore_quotas((a, b))
    print('%-6s %-9s %-10s %-10s %-7s %s' % (
        'round', 'killed at', 'claimed s', 'resumed s', 'claims',
        'first step after the kill'))
    for number, r in enumerate(rounds, 1):
        print('%-6d %-9s %-10.1f %-10s %-7d %s' % (
            number, '%d %%' % r['progress'], r['claimed'],
            '-' if r['resumed'] is None else '%.1f' % r['resumed'],
            r['claims'], r['step']))
    resumed = [r['resumed'] for r in rounds if r['resumed'] is not None]
    print('median of %d: claimed %.1f s, resumed %s s' % (
        len(rounds), statistics.median(r['claimed'] for r in rounds),
        '%.1f' % statistics.median(resumed) if resumed else '-'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
