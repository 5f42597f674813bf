"""The process, port and wait rules of the functional tests and the lab."""

import logging
import os
import signal
import socket
import stat
import time

import fixtures
import testtools

from protector.tests import processes


class TestProcesses(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.log = os.path.join(self.dir, 'logs', 'service.log')

    def spawn(self, script):
        proc = processes.spawn(['sh', '-c', script], self.log)
        self.addCleanup(proc.wait)
        self.addCleanup(processes.stop, [proc.pid], signal.SIGKILL, 5)
        return proc

    def read_log(self):
        with open(self.log) as f:
            return f.read()

    def wait_log(self, line):
        # A line of its own: the log starts with the command, which has it.
        processes.wait_for(lambda: '\n%s\n' % line in self.read_log(), 10,
                           'the log', [self.log], interval=0.05)

    def test_spawn_and_stop(self):
        proc = self.spawn('echo started; exec sleep 60')
        self.wait_log('started')
        self.assertTrue(processes.alive(proc.pid))
        started = processes.start_time(proc.pid)
        self.assertTrue(processes.alive(proc.pid, started))
        self.assertFalse(processes.alive(proc.pid, started + 1))
        # A session of its own: its process group id is its PID.
        self.assertEqual(proc.pid, os.getpgid(proc.pid))
        processes.stop([proc.pid], signal.SIGTERM, 10, 'sleep')
        self.assertFalse(processes.alive(proc.pid))
        self.assertEqual(-signal.SIGTERM, proc.wait(5))
        self.assertIn('==== ', self.read_log())
        self.assertIn(': starting sh -c echo started', self.read_log())

    def test_stop_kills_what_is_left_in_the_group(self):
        child_file = os.path.join(self.dir, 'child')
        proc = self.spawn('sleep 60 & echo $! > %s; echo ready; wait'
                          % child_file)
        self.wait_log('ready')
        with open(child_file) as f:
            child = int(f.read())
        self.assertTrue(processes.alive(child))
        processes.stop([proc.pid], signal.SIGTERM, 10, 'sh')
        self.assertFalse(processes.alive(proc.pid))
        # SIGKILL takes effect when the child is next scheduled.
        processes.wait_for(lambda: not processes.alive(child), 5,
                           'the end of the child', interval=0.05)

    def test_stop_kills_what_ignores_the_signal(self):
        logger = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        proc = self.spawn('trap "" TERM; echo ready; '
                          'while :; do sleep 0.1; done')
        self.wait_log('ready')
        begin = time.monotonic()
        processes.stop([proc.pid], signal.SIGTERM, 0.5, 'stubborn')
        self.assertFalse(processes.alive(proc.pid))
        self.assertEqual(-signal.SIGKILL, proc.wait(5))
        self.assertLess(time.monotonic() - begin, 10)
        self.assertIn('stubborn (pid %d) did not stop within 0.5s'
                      % proc.pid, logger.output)

    def test_stop_leaves_a_recycled_pid_alone(self):
        proc = self.spawn('exec sleep 60')
        other_start = processes.start_time(proc.pid) + 1
        processes.stop([proc.pid], signal.SIGKILL, 1, 'sleep',
                       start_times={proc.pid: other_start})
        self.assertTrue(processes.alive(proc.pid))

    def test_wait_for_names_the_tails_of_the_logs(self):
        log = os.path.join(self.dir, 'long.log')
        with open(log, 'w') as f:
            f.write(''.join('line %d\n' % i for i in range(100)))
        missing = os.path.join(self.dir, 'missing.log')

        def check():
            raise ValueError('no answer yet')
        error = self.assertRaises(
            processes.ProcessError, processes.wait_for, check, 0.3,
            'the service', [log, missing], interval=0.05)
        message = str(error)
        self.assertIn('the service: not ready after 0.3s (last error: no '
                      'answer yet)', message)
        self.assertIn('--- last lines of %s ---' % log, message)
        self.assertIn('line 99', message)
        self.assertNotIn('line 69\n', message)
        self.assertIn('(no log %s: No such file or directory)' % missing,
                      message)

    def test_wait_for_notices_the_process_died(self):
        proc = self.spawn('echo cannot start; exit 3')
        begin = time.monotonic()
        error = self.assertRaises(
            processes.ProcessError, processes.wait_for, lambda: False, 60,
            'the service', [self.log], pid=proc.pid, interval=0.05)
        self.assertLess(time.monotonic() - begin, 30)
        self.assertIn('the service: process %d exited with status 3 before '
                      'it was ready' % proc.pid, str(error))
        self.assertIn('cannot start', str(error))
        # The exit status is left for the Popen.
        self.assertEqual(3, proc.wait(5))

    def test_wait_for_returns_once_ready(self):
        calls = []
        processes.wait_for(lambda: calls.append(1) or len(calls) > 2, 10,
                           'counting', interval=0.01)
        self.assertEqual(3, len(calls))

    def test_run_returns_the_output(self):
        out = processes.run(['sh', '-c', 'echo hello'], self.log, 10)
        self.assertEqual('hello\n', out)
        self.assertIn('$ sh -c echo hello', self.read_log())

    def test_run_redacts_secrets(self):
        error = self.assertRaises(
            processes.ProcessError, processes.run,
            ['sh', '-c', 'echo "password is $0"; exit 2', 's3cret-pw'],
            self.log, 10, what='setting a password',
            secrets=['s3cret-pw', ''])
        message = str(error)
        self.assertIn('setting a password: sh -c', message)
        self.assertIn('failed with status 2', message)
        self.assertIn('password is ***', message)
        self.assertIn(self.log, message)
        self.assertNotIn('s3cret-pw', message)
        self.assertNotIn('s3cret-pw', self.read_log())
        self.assertIn('password is ***', self.read_log())

    def test_run_time_out(self):
        error = self.assertRaises(
            processes.ProcessError, processes.run,
            ['sh', '-c', 'echo waiting; exec sleep 30'], self.log, 0.5)
        self.assertIn('did not finish within 0.5s', str(error))
        self.assertIn('waiting', str(error))

    def test_redact(self):
        self.assertEqual('a *** b ***', processes.redact(
            'a xyz b xyz', ['xyz', '']))

    def test_require(self):
        processes.require('/bin/sh', 'sh', 'install dash')
        error = self.assertRaises(
            processes.ProcessError, processes.require,
            os.path.join(self.dir, 'nothing'), 'Nothing', 'install it')
        self.assertIn('Nothing: %s not found or not executable; install it'
                      % os.path.join(self.dir, 'nothing'), str(error))

    def test_make_traversable(self):
        path = os.path.join(self.dir, 'a', 'b')
        os.makedirs(path)
        os.chmod(os.path.join(self.dir, 'a'), 0o700)
        os.chmod(path, 0o700)
        processes.make_traversable(path)
        for p in (path, os.path.join(self.dir, 'a')):
            mode = stat.S_IMODE(os.stat(p).st_mode)
            self.assertEqual(0o701, mode)


class TestPorts(testtools.TestCase):

    def listen(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(sock.close)
        sock.bind((processes.LOOPBACK, 0))
        sock.listen(1)
        return sock.getsockname()[1]

    def test_a_taken_port_is_refused(self):
        port = self.listen()
        self.assertTrue(processes.port_in_use(port))
        error = self.assertRaises(processes.ProcessError,
                                  processes.check_ports_free, 'Postgres',
                                  [port])
        self.assertIn('Postgres: port(s) %d on 127.0.0.1 already in use'
                      % port, str(error))

    def test_a_free_port_is_accepted(self):
        port = processes.free_port(offsets=(0, 1))
        self.assertTrue(20000 <= port < 40000)
        self.assertFalse(processes.port_in_use(port))
        processes.check_ports_free('etcd', [port, port + 1])
