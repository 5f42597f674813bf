#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""An ML2 mechanism driver that binds every port (lab fixture).

The lab runs Neutron without any agent.  None of the mechanism drivers
Neutron ships binds a port then (``test`` binds magic host names only,
``fake_agent`` needs live agents, ``logger`` never binds), so a server's
port stays unbound and Nova fails the boot.  This driver binds any port on
any host to the first segment offered, with ``vif_type`` ``ovs``, and then
plays the part of the L2 agent: it marks the port's L2 provisioning as
complete, which turns the port ACTIVE and makes Neutron send Nova the
``network-vif-plugged`` event.
"""

from neutron_lib.api.definitions import portbindings
from neutron_lib.callbacks import resources
from neutron_lib import constants
from neutron_lib import context as n_context
from neutron_lib.plugins.ml2 import api
from oslo_log import log as logging

from neutron.db import provisioning_blocks

LOG = logging.getLogger(__name__)

_UNBOUND = (portbindings.VIF_TYPE_UNBOUND,
            portbindings.VIF_TYPE_BINDING_FAILED)


class BindAllMechanismDriver(api.MechanismDriver):
    """Bind every port; complete its L2 provisioning at once."""

    def initialize(self):
        LOG.info('lab_bind_all: binding every port (lab fixture)')

    @property
    def connectivity(self):
        return portbindings.CONNECTIVITY_L2

    def bind_port(self, context):
        vnic_type = context.current.get(portbindings.VNIC_TYPE,
                                        portbindings.VNIC_NORMAL)
        if vnic_type != portbindings.VNIC_NORMAL:
            return
        for segment in context.segments_to_bind:
            context.set_binding(
                segment[api.ID], portbindings.VIF_TYPE_OVS,
                {portbindings.CAP_PORT_FILTER: True,
                 portbindings.OVS_HYBRID_PLUG: False})
            LOG.debug('lab_bind_all: bound port %s on host %s to segment '
                      '%s', context.current['id'], context.host,
                      segment[api.ID])
            return

    def _complete(self, context):
        port = context.current
        if context.vif_type in _UNBOUND or not context.host:
            return
        if port.get('status') == constants.PORT_STATUS_ACTIVE:
            return
        provisioning_blocks.provisioning_complete(
            n_context.get_admin_context(), port['id'], resources.PORT,
            provisioning_blocks.L2_AGENT_ENTITY)

    def create_port_postcommit(self, context):
        self._complete(context)

    def update_port_postcommit(self, context):
        self._complete(context)
