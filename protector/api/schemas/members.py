from protector.api.schemas import common

create = common.wrapped('member', {'server': common.NAME},
                        required=('server',))
