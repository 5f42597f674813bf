"""Encryption at rest of site passwords and array API tokens."""

import os
import threading

from cryptography import fernet
from oslo_config import cfg

CONF = cfg.CONF
_lock = threading.Lock()
_fernet = None


def _load():
    global _fernet
    with _lock:
        if _fernet is None:
            path = CONF.crypto.key_file
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
                # O_EXCL: two processes starting together keep one key.
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                                 0o600)
                except FileExistsError:
                    pass
                else:
                    with os.fdopen(fd, 'wb') as key_file:
                        key_file.write(fernet.Fernet.generate_key())
            with open(path, 'rb') as key_file:
                _fernet = fernet.Fernet(key_file.read().strip())
    return _fernet


def encrypt(secret):
    return _load().encrypt(secret.encode('utf-8')).decode('ascii')


def decrypt(token):
    return _load().decrypt(token.encode('ascii')).decode('utf-8')


def reset():
    """Forget the loaded key (tests switch key files)."""
    global _fernet
    with _lock:
        _fernet = None
