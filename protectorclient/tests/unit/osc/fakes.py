"""A fake OSC application around a mocked protector client."""

import argparse
import io
import json
from unittest import mock

import testtools


# What a list command passes to the manager without pagination options.
NO_PAGE = {'limit': None, 'marker': None, 'sort_key': None,
           'sort_dir': None}


class FakeClientManager:

    def __init__(self):
        self.protector = mock.Mock(name='protector')


class FakeApp:

    def __init__(self):
        self.client_manager = FakeClientManager()
        self.stdin = io.StringIO()
        self.stdout = io.StringIO()
        self.stderr = io.StringIO()
        self.options = argparse.Namespace(debug=False, verbose_level=1)


class ParserError(Exception):
    """argparse refused the arguments."""


class TestCommand(testtools.TestCase):
    """Run one command class: parse argv, take action, render output."""

    def setUp(self):
        super().setUp()
        self.app = FakeApp()
        self.client = self.app.client_manager.protector

    def make(self, cls):
        return cls(self.app, None)

    def parse(self, cmd, argv):
        parser = cmd.get_parser('openstack protector')
        try:
            return parser.parse_args(argv)
        except SystemExit:
            raise ParserError(' '.join(argv))

    def run_command(self, cls, argv):
        """Return what take_action returns, with any rows listed."""
        cmd = self.make(cls)
        result = cmd.take_action(self.parse(cmd, argv))
        if isinstance(result, tuple) and len(result) == 2:
            columns, data = result
            if not isinstance(data, tuple):
                data = list(data)
            return columns, data
        return result

    def output(self, cls, argv):
        """What the command prints for argv (with -f etc. honoured)."""
        self.app.stdout = io.StringIO()
        cmd = self.make(cls)
        cmd.run(self.parse(cmd, argv))
        return self.app.stdout.getvalue()

    def json_output(self, cls, argv):
        return json.loads(self.output(cls, argv + ['-f', 'json']))
