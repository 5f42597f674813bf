"""Bodies of the peer site's calls (/v1/admin/sync/...)."""

HOLDER = {'type': 'string', 'minLength': 1, 'maxLength': 255,
          'pattern': '^[^\\x00-\\x1f\\x7f]+$'}
_VERSION = {'type': 'integer', 'minimum': 1}
_DIGEST = {'type': ['string', 'null'], 'pattern': '^[0-9a-f]{64}$'}

push = {
    'type': 'object', 'additionalProperties': False, 'required': ['metadata'],
    'properties': {'metadata': {
        'type': 'object', 'additionalProperties': False,
        'required': ['version', 'digest', 'document'],
        'properties': {
            'version': _VERSION,
            'digest': _DIGEST,
            # The version the sender built on; null: new to this site.
            'base': {
                'type': ['object', 'null'], 'additionalProperties': False,
                'required': ['version', 'digest'],
                'properties': {'version': _VERSION, 'digest': _DIGEST}},
            # The sender's change this site's copy is reserved for.
            'holder': {'anyOf': [HOLDER, {'type': 'null'}]},
            'force': {'type': 'boolean'},
            'document': {
                'type': 'object',
                'required': ['format', 'id', 'version', 'group', 'members'],
            },
        }}},
}

reserve = {
    'type': 'object', 'additionalProperties': False,
    'required': ['reservation'],
    'properties': {'reservation': {
        'type': 'object', 'additionalProperties': False,
        'required': ['holder', 'version', 'digest', 'seconds'],
        'properties': {
            'holder': HOLDER, 'version': _VERSION, 'digest': _DIGEST,
            'seconds': {'type': 'integer', 'minimum': 1, 'maximum': 86400},
        }}},
}

release = {
    'type': 'object', 'additionalProperties': False,
    'required': ['reservation'],
    'properties': {'reservation': {
        'type': 'object', 'additionalProperties': False,
        'required': ['holder'], 'properties': {'holder': HOLDER}}},
}
