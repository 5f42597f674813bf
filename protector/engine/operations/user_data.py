"""The user data a recreated server boots with.

Nova takes user data base64-encoded; a plan may give the text itself.
A plan's ``rclocal_script`` (Acura: a script a Linux guest runs at every
boot) becomes a cloud-init per-boot script, written by a cloud-config
part; with user data of its own, both travel as one multipart document,
which cloud-init splits.
"""

import base64
import binascii
from email.mime import multipart
from email.mime import text as mime_text
import json

PER_BOOT_SCRIPT = '/var/lib/cloud/scripts/per-boot/protector-rclocal.sh'


def _decoded(value):
    """The bytes of user data given as base64 or as its text."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value.encode()


def _rclocal_part(script):
    # JSON is YAML, which cloud-config is.
    return '#cloud-config\n' + json.dumps({'write_files': [{
        'path': PER_BOOT_SCRIPT, 'permissions': '0755', 'encoding': 'b64',
        'content': base64.b64encode(script.encode()).decode()}]})


def build(user_data, rclocal_script=None):
    """Base64 user data for Nova, or None when there is none.

    Raises ValueError when user data that is not text would have to be
    joined with an ``rclocal_script``.
    """
    if not rclocal_script:
        return base64.b64encode(_decoded(user_data)).decode() \
            if user_data else None
    if not user_data:
        return base64.b64encode(_rclocal_part(rclocal_script).encode()
                                ).decode()
    try:
        own = _decoded(user_data).decode('utf-8')
    except UnicodeDecodeError:
        raise ValueError('the user data is not text, so it cannot be '
                         'joined with rclocal_script')
    document = multipart.MIMEMultipart()
    # text/plain: cloud-init tells a script from cloud-config by its
    # first line, as it does for user data that comes alone.
    document.attach(mime_text.MIMEText(own, 'plain'))
    document.attach(mime_text.MIMEText(_rclocal_part(rclocal_script),
                                       'cloud-config'))
    return base64.b64encode(document.as_bytes()).decode()
