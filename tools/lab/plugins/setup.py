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

"""The lab's own plugins for Neutron, Cinder and Nova (lab use only).

``labctl up`` installs this package into the lab virtualenv; it is not
part of protector and is never installed anywhere else.
"""

import setuptools

setuptools.setup(
    name='protector-lab-plugins',
    version='1.0.0',
    description='ML2 mechanism driver, Cinder backend and Nova virt '
                'driver of the protector two-site lab (test fixtures)',
    packages=['protector_lab_plugins'],
    python_requires='>=3.10',
    entry_points={
        'neutron.ml2.mechanism_drivers': [
            'lab_bind_all = protector_lab_plugins.ml2:BindAllMechanismDriver',
        ],
        'console_scripts': [
            'lab-nova-compute = protector_lab_plugins.virt:main',
        ],
    },
)
