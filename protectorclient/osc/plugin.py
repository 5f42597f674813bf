"""OpenStackClient plugin interface of protector.

OSC finds this module through the ``openstack.cli.extension`` entry point
``protector`` and loads the commands of ``openstack.protector.v1``.
"""

import logging

from osc_lib import exceptions
from osc_lib import utils

from protectorclient import client as protector_client

LOG = logging.getLogger(__name__)

DEFAULT_API_VERSION = '1.0'
API_NAME = 'protector'
API_VERSION_OPTION = 'os_protector_api_version'
API_VERSIONS = {
    '1': 'protectorclient.client.Client',
}

# Auth types that yield no project-scoped token.
_UNSCOPED_AUTH_TYPES = ('none', 'noauth', 'admin_token', 'token_endpoint')


def _major(version):
    return str(version).split('.')[0]


def check_api_version(check_version):
    """Accept N or N.M when major version N is supported.

    Returning True tells OSC that the version is valid even though
    ``API_VERSIONS`` is keyed by major version only.
    """
    try:
        protector_client.normalize_api_version(check_version)
    except ValueError as e:
        raise exceptions.CommandError(str(e))
    if _major(check_version) not in API_VERSIONS:
        raise exceptions.CommandError(
            "protector API version %s is not supported; supported major "
            "versions: %s" % (check_version, ', '.join(sorted(API_VERSIONS))))
    return True


def make_client(instance):
    """Return a protector client for the OSC ClientManager ``instance``."""
    version = instance._api_version[API_NAME]
    if _major(version) not in API_VERSIONS:
        raise exceptions.UnsupportedVersion(
            'protector API version %s is not supported' % version)
    config = instance.get_configuration()
    # Without a project-scoped token (noauth lab mode) the project of the
    # tenant paths is OS_PROTECTOR_PROJECT_ID (clouds.yaml:
    # protector_project_id).
    project_id = config.get('protector_project_id')
    if not project_id and config.get('auth_type') in _UNSCOPED_AUTH_TYPES:
        project_id = (config.get('auth') or {}).get('project_id')
    LOG.debug('Instantiating protector client, API version %s', version)
    return protector_client.Client(
        session=instance.session,
        endpoint_override=config.get('protector_endpoint_override'),
        region_name=instance.region_name,
        interface=instance.interface,
        api_version=version,
        project_id=project_id)


def build_option_parser(parser):
    """Add the global option ``--os-protector-api-version``."""
    parser.add_argument(
        '--os-protector-api-version',
        metavar='<protector-api-version>',
        default=utils.env('OS_PROTECTOR_API_VERSION'),
        help='protector API version, default=%s '
             '(Env: OS_PROTECTOR_API_VERSION)' % DEFAULT_API_VERSION)
    return parser
