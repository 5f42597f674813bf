"""DR operations: failover, failback, test failover and cleanup, sync.

The path of an operation:

1. ``control.start`` (RPC ``start_operation`` from protector-api,
   served by ``protector.engine.manager``) checks the state gates and the
   pre-flight (``preflight``), records the operation and its plan
   snapshot, and hands it to ``runner``.
2. ``runner`` builds the taskflow flow of the operation (``flows``) with
   its state saved in protector's database, and runs it in a thread of
   the engine; at engine start it resumes every operation left running.
3. The tasks (``storage_tasks``, ``server_tasks``, ``group_tasks``,
   ``cleanup_tasks``, ``network_tasks``) act on both clouds and arrays
   through the drivers, record each step (``record``) and find what they
   made before by deterministic names (``names``), so that running a task
   again after a crash never makes anything twice.

``protector.common.steps`` lists every step name, its phase and its
progress, and the kinds and statuses of operations.
"""
