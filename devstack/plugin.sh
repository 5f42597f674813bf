#!/bin/bash
#
# devstack/plugin.sh: the devstack hooks of protector.

# Save trace setting
_XTRACE_PROTECTOR_PLUGIN=$(set +o | grep xtrace)
set -o xtrace

source "$(dirname "${BASH_SOURCE[0]}")/lib/protector"

if is_service_enabled protector-api protector-engine; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing protector"
        install_protector

    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring protector"
        configure_protector
        if is_service_enabled key; then
            create_protector_accounts
        fi
        init_protector

    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Starting protector"
        start_protector
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_protector
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_protector
    fi
fi

# Restore xtrace
$_XTRACE_PROTECTOR_PLUGIN
