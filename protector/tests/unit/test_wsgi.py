"""The WSGI module as a WSGI server loads it: in a process of its own."""

import os
import subprocess
import sys
import tempfile

import testtools

CONF = """\
[DEFAULT]
auth_strategy = noauth
transport_url = fake:/
log_dir = {log_dir}

[database]
connection = sqlite:///{log_dir}/protector.db
"""

# What a WSGI server does: import the module, call ``application``.
SERVE_ONE_REQUEST = """\
import wsgiref.util
from protector.wsgi import api
environ = {}
wsgiref.util.setup_testing_defaults(environ)
statuses = []
body = b''.join(api.application(
    environ, lambda status, headers: statuses.append(status)))
print(statuses[0])
"""


class TestWSGIModule(testtools.TestCase):

    def test_answers_and_logs_to_protector_api_log(self):
        with tempfile.TemporaryDirectory() as log_dir:
            conf = os.path.join(log_dir, 'protector.conf')
            with open(conf, 'w') as f:
                f.write(CONF.format(log_dir=log_dir))
            result = subprocess.run(
                [sys.executable, '-c', SERVE_ONE_REQUEST],
                env=dict(os.environ, PROTECTOR_CONFIG_FILES=conf),
                cwd=log_dir, capture_output=True, text=True, timeout=120)
            self.assertEqual(0, result.returncode, result.stderr)
            self.assertEqual('200 OK', result.stdout.strip())
            # oslo.log alone would name it after the server's script.
            logs = sorted(name for name in os.listdir(log_dir)
                          if name.endswith('.log'))
            self.assertEqual(['protector-api.log'], logs)
            with open(os.path.join(log_dir, 'protector-api.log')) as f:
                self.assertIn('auth_strategy = noauth', f.read())
