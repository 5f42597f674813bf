"""What every task of an operation shares."""

import concurrent.futures

from oslo_config import cfg
from taskflow import task

from protector.engine import group_environment
from protector.engine.operations import record

CONF = cfg.CONF


class OperationTask(task.Task):
    """One step of an operation; ``step`` is its name in the record.

    A task keeps no state between runs: it rebuilds its environment from
    the operation record, and finds what an earlier (interrupted) run made
    by deterministic names, so running it again is harmless.
    """

    step = None

    def __init__(self, name=None, step=None, **kwargs):
        if step is not None:
            self.step = step
        super().__init__(name=name or self.step, **kwargs)

    @staticmethod
    def begin(operation_id):
        """The environment and recorder of a run; stops if cancelled."""
        env = group_environment.Environment.of(operation_id)
        recorder = record.Recorder(env.context, operation_id)
        recorder.check_cancelled()
        return env, recorder

    def done(self, recorder, progress=None):
        recorder.step_done(self.step, progress)


def each(func, items, workers=None):
    """``func(item)`` for every item, at most ``workers`` at a time.

    Returns ``{index: exception}`` of the calls that raised one; every
    call runs whatever the others do.
    """
    items = list(items)
    if not items:
        return {}
    workers = min(len(items), workers or CONF.engine.operation_concurrency)
    failures = {}
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = {pool.submit(func, item): index
                   for index, item in enumerate(items)}
        for future in concurrent.futures.as_completed(futures):
            error = future.exception()
            if error is not None:
                failures[futures[future]] = error
    return failures


def raise_first(failures):
    if failures:
        raise failures[min(failures)]
