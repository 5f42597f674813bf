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

"""Sphinx configuration of the protector release notes.

reno reads the notes of releasenotes/notes from the git history, so a
note appears once it is committed.  Build from the top of the
repository: ``tox -e releasenotes``, or::

    sphinx-build -W -b html releasenotes/source releasenotes/build/html
"""

extensions = [
    'openstackdocstheme',
    'reno.sphinxext',
]

source_suffix = {'.rst': 'restructuredtext'}
master_doc = 'index'

project = 'protector Release Notes'
copyright = '2026, protector developers'

# Release notes do not carry a version of their own.
version = ''
release = ''

pygments_style = 'native'

# -- openstackdocstheme ----------------------------------------------------

openstackdocs_repo_name = 'openstack/protector'
openstackdocs_bug_project = 'protector'
openstackdocs_bug_tag = 'releasenotes'
openstackdocs_auto_name = False

# -- HTML output -----------------------------------------------------------

html_theme = 'openstackdocs'
htmlhelp_basename = 'protectorReleaseNotesdoc'

# -- Internationalization --------------------------------------------------

locale_dirs = ['locale/']
