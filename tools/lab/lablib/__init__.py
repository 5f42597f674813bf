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

"""The two-site OpenStack lab of protector (driven by ``tools/lab/labctl``).

Modules:

* ``layout``   where everything lives: state directory, ports, passwords
* ``proc``     the lab's processes by name: pid files, owner mark, sweep
               (on ``protector/tests/processes.py``: start, stop, ports,
               waits, shared with the functional tests)
* ``install``  Debian packages, the lab virtualenv, the lab plugins
* ``shared``   the private PostgreSQL cluster and RabbitMQ node
* ``configs``  the configuration files of each site's services
* ``keystone`` a tiny Keystone REST client (catalog, users, projects)
* ``site``     one site: set-up steps, services, status
* ``lab``      the commands: up, down, status, reset, env
* ``cloud``    run inside the lab virtualenv (openstacksdk): flavors,
               image, volume types, reset of tenant resources

Everything but ``cloud`` uses the Python standard library only, so that
``labctl`` runs before the virtualenv exists; so does
``protector/tests/processes.py``, which ``labctl`` puts on the path with
the repository root.
"""
