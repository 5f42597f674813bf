"""Schemas of the values many bodies share.

No name, id or URL may hold a control character (NUL would reach the
database and the log); a description may hold newlines and tabs.  The
``description`` of a pattern is what a 400 says when it does not match.
"""

# C0 and C1 control characters, in a form both Python and ECMA-262
# regular expressions read.
_CONTROL = r'\u0000-\u001f\u007f-\u009f'

NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255,
        'pattern': r'^[^\s/%s][^/%s]*$' % (_CONTROL, _CONTROL),
        'description': "must not start with a space and must hold no '/' "
                       "and no control character"}
IDENTIFIER = {'type': 'string', 'minLength': 1, 'maxLength': 255,
              'pattern': r'^[^%s]+$' % _CONTROL,
              'description': 'must hold no control character'}
DESCRIPTION = {'type': 'string', 'maxLength': 1024,
               'pattern': r'^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$',
               'description': 'must hold no control character but newline '
                              'and tab'}
URL = {'type': 'string', 'minLength': 1, 'maxLength': 1024,
       'pattern': r'^https?://[^\s%s]+$' % _CONTROL,
       'description': 'must be an http:// or https:// URL without spaces'}
PROJECT_ID = dict(IDENTIFIER, maxLength=64)
# Never echoed in an error, never shown in an answer.
SECRET = {'type': 'string', 'minLength': 1, 'maxLength': 1024,
          'writeOnly': True}


def wrapped(key, properties, required=(), min_properties=0):
    """A body ``{key: {...}}`` with no unknown fields."""
    inner = {'type': 'object', 'properties': properties,
             'additionalProperties': False,
             'required': list(required)}
    if min_properties:
        inner['minProperties'] = min_properties
    return {'type': 'object', 'properties': {key: inner},
            'required': [key], 'additionalProperties': False}


def taking_local(schema):
    """``schema`` of a change that may be made on this site alone.

    ``"local": true`` beside the resource (microversion 1.5; see
    ``protector.api.local_flag``).
    """
    local = {'type': 'boolean',
             'description': 'Whether the change may be made on this site '
                            'alone while the peer site is unreachable.'}
    return dict(schema, properties=dict(schema['properties'], local=local))
