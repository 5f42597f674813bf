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

"""Nova's fake virt driver, with guests that outlive nova-compute (lab).

Nova's ``fake`` driver keeps its guests in memory only: after a restart of
nova-compute (``labctl down`` then ``up``) it no longer knows the servers
it booted, and stopping one fails with InstanceNotFound while Nova keeps
it ACTIVE.  A real hypervisor keeps its guests running while nova-compute
restarts; this driver plays that part by taking back any guest Nova asks
about, in the power state Nova last recorded for it.

Nova loads its virt driver from the ``nova.virt`` package only, so the
lab runs nova-compute as ``lab-nova-compute`` (``main`` below), which
makes this module ``nova.virt.lab_fake`` first: ``compute_driver =
lab_fake.LabFakeDriver``.
"""

import sys

# nova.cmd first: it sets up eventlet before anything else of Nova loads.
from nova.cmd import compute  # noqa: I100

from nova.compute import power_state  # noqa: I100
from nova.virt import fake


class LabFakeDriver(fake.FakeDriverWithoutFakeNodes):

    def _adopt(self, instance):
        if instance.uuid not in self.instances:
            state = instance.power_state
            if state not in (power_state.RUNNING, power_state.SHUTDOWN):
                state = power_state.RUNNING
            self.instances[instance.uuid] = fake.FakeInstance(
                instance.name, state, instance.uuid)

    def power_off(self, instance, *args, **kwargs):
        self._adopt(instance)
        return super().power_off(instance, *args, **kwargs)

    def power_on(self, context, instance, *args, **kwargs):
        self._adopt(instance)
        return super().power_on(context, instance, *args, **kwargs)

    def get_info(self, instance, *args, **kwargs):
        self._adopt(instance)
        return super().get_info(instance, *args, **kwargs)


def main():
    sys.modules['nova.virt.lab_fake'] = sys.modules[__name__]
    return compute.main()
