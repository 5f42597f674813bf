"""The volumes directory: every regular file with a valid volume name in it
is a volume of the array, whoever created it (the array or the lab's Cinder
backend).  The array keeps what it must hide in dot-directories:

``.snapshots/``  snapshot volumes (plain copies), local and replicated
``.destroyed/``  destroyed volumes, pending eradication
``.incoming/``   replicated snapshots still being transferred
"""

import os
import shutil

from tools.lab.flasharray import util

SNAPSHOTS = ".snapshots"
DESTROYED = ".destroyed"
INCOMING = ".incoming"


class VolumeFiles(object):

    def __init__(self, root):
        self.root = os.path.abspath(root)
        for sub in (SNAPSHOTS, DESTROYED, INCOMING):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)

    def live(self):
        """{name: os.stat_result} of the volumes present as files."""
        found = {}
        with os.scandir(self.root) as entries:
            for entry in entries:
                if not util.is_object_name(entry.name):
                    continue
                try:
                    if entry.is_file(follow_symlinks=False):
                        found[entry.name] = entry.stat()
                except FileNotFoundError:
                    continue
        return found

    def path(self, name):
        return os.path.join(self.root, name)

    def snapshot_path(self, name):
        return os.path.join(self.root, SNAPSHOTS, name)

    def destroyed_path(self, name):
        return os.path.join(self.root, DESTROYED, name)

    def incoming_dir(self, transfer_id):
        return os.path.join(self.root, INCOMING, transfer_id)

    def exists(self, name):
        return os.path.isfile(self.path(name))

    def size(self, path):
        return os.stat(path).st_size

    def create(self, name, size):
        fd = os.open(self.path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                     0o644)
        try:
            os.ftruncate(fd, size)
        finally:
            os.close(fd)

    def remove(self, path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass

    def remove_tree(self, path):
        shutil.rmtree(path, ignore_errors=True)
