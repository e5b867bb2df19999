#!/usr/bin/env bash
# Assigns Chat_User to the org's default user. With BRIDGE_USERNAME set, also assigns
# Chat_Bridge_Integration to the integration user the bridge logs in as (JWT bearer flow).
# Usage: [BRIDGE_USERNAME=bridge@example.com] scripts/sf/assign-permsets.sh [alias]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

step "Assigning Chat_User to the default user of '$ORG_ALIAS'"
sf org assign permset --name Chat_User --target-org "$ORG_ALIAS"

if [[ -n "${BRIDGE_USERNAME:-}" ]]; then
    step "Assigning Chat_Bridge_Integration to $BRIDGE_USERNAME"
    sf org assign permset --name Chat_Bridge_Integration --on-behalf-of "$BRIDGE_USERNAME" --target-org "$ORG_ALIAS"
else
    echo "BRIDGE_USERNAME not set: assign Chat_Bridge_Integration to the bridge's integration user yourself."
fi
