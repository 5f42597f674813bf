from protector.api.schemas import common

FIELDS = {
    'primary_fa_url': common.URL,
    'primary_fa_token': common.SECRET,
    'secondary_fa_url': common.URL,
    'secondary_fa_token': common.SECRET,
    'rpo_minutes': {'type': 'integer', 'minimum': 1, 'maximum': 10080},
    'replication_interval': {'type': 'integer', 'minimum': 60,
                             'maximum': 86400},
    'snapshot_retention': {'type': 'integer', 'minimum': 1,
                           'maximum': 1000},
}

create = common.taking_local(common.wrapped(
    'policy', FIELDS,
    required=('primary_fa_url', 'primary_fa_token', 'secondary_fa_url',
              'secondary_fa_token', 'rpo_minutes')))

update = common.taking_local(common.wrapped('policy', FIELDS,
                                            min_properties=1))
