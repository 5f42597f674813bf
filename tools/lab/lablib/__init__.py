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
``protector/tests/processes.py``, which this package puts on its own
``sys.path`` with the repository root when it is imported.
"""

import os
import sys


def _put_repository_root_on_path():
    """Let lablib import protector.tests.processes from this clone.

    The process, port and wait rules lablib shares with the functional
    tests live in protector/tests/processes.py, so the repository root
    must be on the path.  It goes on sys.path here, in this process only,
    not on PYTHONPATH: every child of the lab (pip install -e into the lab
    virtualenv, the services, the CLIs) inherits the environment, and with
    the clone on its path would see the clone's protector package and a
    protector.egg-info left in the repository root as if installed (pip
    then skips the install, or tries to uninstall from the clone).
    """
    tools_lab = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    root = os.path.dirname(os.path.dirname(tools_lab))
    if root in sys.path:
        return
    # Right after tools/lab, where a PYTHONPATH entry would be: before
    # site-packages, so that an installed protector cannot hide the clone's.
    for i, entry in enumerate(sys.path):
        if os.path.abspath(entry or os.curdir) == tools_lab:
            sys.path.insert(i + 1, root)
            return
    sys.path.insert(0, root)


_put_repository_root_on_path()
