push = {
    'type': 'object', 'additionalProperties': False, 'required': ['metadata'],
    'properties': {'metadata': {
        'type': 'object', 'additionalProperties': False,
        'required': ['version', 'document'],
        'properties': {
            'version': {'type': 'integer', 'minimum': 1},
            'force': {'type': 'boolean'},
            'document': {
                'type': 'object',
                'required': ['format', 'id', 'version', 'group', 'members'],
            },
        }}},
}
