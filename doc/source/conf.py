# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Sphinx configuration of the protector documentation.

The configuration and policy references are rendered from the code
(oslo.config and oslo.policy Sphinx extensions), so they cannot drift
from what the services actually read.  Build from the top of the
repository: ``tox -e docs``, or::

    sphinx-build -W -b html doc/source doc/build/html
"""

import os

_HERE = os.path.dirname(os.path.abspath(__file__))
_TOP = os.path.abspath(os.path.join(_HERE, '..', '..'))
# Generated samples go to the build tree (ignored by git), never to the
# source tree.
_GENERATED = os.path.join(_TOP, 'doc', 'build', 'generated')
os.makedirs(_GENERATED, exist_ok=True)

# -- General configuration -------------------------------------------------

extensions = [
    'openstackdocstheme',
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
    'oslo_policy.sphinxext',
    'oslo_policy.sphinxpolicygen',
]

# oslo_config.sphinxconfiggen: the complete protector.conf sample, from the
# same generator configuration as "tox -e genconfig".
config_generator_config_file = os.path.join(
    _TOP, 'etc', 'protector', 'protector-config-generator.conf')
sample_config_basename = os.path.join(_GENERATED, 'protector')

# oslo_policy.sphinxpolicygen: the policy.yaml sample, as "tox -e
# genpolicy" writes it.
policy_generator_config_file = os.path.join(
    _TOP, 'etc', 'protector', 'protector-policy-generator.conf')
sample_policy_basename = os.path.join(_GENERATED, 'protector')

templates_path = []
source_suffix = {'.rst': 'restructuredtext'}
master_doc = 'index'

project = 'protector'
copyright = '2026, protector developers'

exclude_patterns = []
pygments_style = 'native'
add_module_names = False

# -- openstackdocstheme ----------------------------------------------------

openstackdocs_repo_name = 'openstack/protector'
openstackdocs_bug_project = 'protector'
openstackdocs_bug_tag = 'doc'
openstackdocs_auto_name = False

# -- HTML output -----------------------------------------------------------

html_theme = 'openstackdocs'
html_static_path = []
htmlhelp_basename = 'protectordoc'

# -- LaTeX output ----------------------------------------------------------

latex_documents = [
    ('index', 'doc-protector.tex', 'protector Documentation',
     'protector developers', 'manual'),
]
