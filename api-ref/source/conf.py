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

"""Sphinx configuration of the protector API reference.

Build from the top of the repository: ``tox -e api-ref``, or::

    sphinx-build -W -b html api-ref/source api-ref/build/html
"""

import os

from protector.api import openapi

extensions = [
    'os_api_ref',
    'openstackdocstheme',
]

source_suffix = {'.rst': 'restructuredtext'}
master_doc = 'index'

project = 'protector API Reference'
copyright = '2026, protector developers'

add_module_names = False
show_authors = False
pygments_style = 'native'

# -- openstackdocstheme ----------------------------------------------------

openstackdocs_repo_name = 'openstack/protector'
openstackdocs_bug_project = 'protector'
openstackdocs_bug_tag = 'api-ref'
openstackdocs_auto_name = False

# -- HTML output -----------------------------------------------------------

html_theme = 'openstackdocs'
html_theme_options = {
    'sidebar_mode': 'toc',
}
htmlhelp_basename = 'protectorapiref'

# The OpenAPI description, published beside the HTML as openapi.json.
_openapi_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            os.pardir, 'build', 'openapi')
os.makedirs(_openapi_dir, exist_ok=True)
openapi.write(os.path.join(_openapi_dir, 'openapi.json'))
html_extra_path = [_openapi_dir]

# -- LaTeX output ----------------------------------------------------------

latex_documents = [
    ('index', 'protector-api-ref.tex', 'protector API Reference',
     'protector developers', 'manual'),
]
