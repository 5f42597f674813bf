"""Helpers of the emulator contract tests: emulator processes on loopback,
waiting, file bytes, and the error object of a refused request."""

import json
import os
import socket
import subprocess
import sys
import time

import purestorage

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                    "..", "..", "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmulatorProcess(object):
    """One emulator process.

    Its volumes directory and state survive stop and start.
    """

    def __init__(self, root, name, *extra_args):
        self.name = name
        self.root = os.path.join(root, name)
        self.volumes_dir = os.path.join(self.root, "volumes")
        self.state_dir = os.path.join(self.root, "state")
        self.port = free_port()
        self.address = "127.0.0.1:%d" % self.port
        self.token = "token-%s" % name
        self.extra_args = list(extra_args)
        self.info_file = os.path.join(self.root, "info.json")
        self.log = os.path.join(self.root, "emulator.log")
        self.process = None
        os.makedirs(self.volumes_dir, exist_ok=True)

    def start(self, timeout=20):
        if os.path.exists(self.info_file):
            os.unlink(self.info_file)
        cmd = [sys.executable, "-m", "tools.lab.flasharray.emulator",
               "--name", self.name, "--volumes-dir", self.volumes_dir,
               "--state-dir", self.state_dir, "--port", str(self.port),
               "--api-token", self.token, "--info-file", self.info_file,
               "--mirror-interval", "0.2", "--heartbeat-interval", "0.3",
               "--scheduler-interval", "0.3"] + self.extra_args
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(cmd, cwd=REPO,
                                            stdout=subprocess.DEVNULL,
                                            stderr=log)
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.info_file):
            if self.process.poll() is not None:
                raise RuntimeError("emulator %s exited; see %s" % (
                    self.name, self.log))
            if time.monotonic() > deadline:
                raise RuntimeError("emulator %s did not start" % self.name)
            time.sleep(0.05)
        with open(self.info_file) as f:
            self.info = json.load(f)
        return self

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def client(self, **kwargs):
        kwargs.setdefault("api_token", self.token)
        return purestorage.FlashArray(self.address, **kwargs)

    def path(self, volume):
        return os.path.join(self.volumes_dir, volume)

    def snapshot_path(self, snapshot):
        return os.path.join(self.volumes_dir, ".snapshots", snapshot)


def wait_for(predicate, timeout=20, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(interval)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def error_of(exc_info):
    """The single error object of a PureHTTPError's JSON list body."""
    body = json.loads(exc_info.value.text)
    assert isinstance(body, list) and len(body) == 1
    return body[0]
