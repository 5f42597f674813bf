#!/bin/bash
# Call functions of devstack/lib/protector for one site of the lab, in the
# order given, e.g.  protector.sh configure_protector init_protector
# The lab (lablib/protector_site.py) sets the PROTECTOR_* variables; the
# devstack plugin is exercised exactly as another script would use it.
set -eo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../../devstack/lib/protector"
for step in "$@"; do
    "$step"
done
