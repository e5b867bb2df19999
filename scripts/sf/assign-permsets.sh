#!/usr/bin/env bash
# Assigns Chat_User and Chat_Auditor (the Chat Admin app) to the org's default user, the admin of
# a scratch org. With BRIDGE_USERNAME set, also assigns
# Chat_Bridge_Integration to the integration user the bridge logs in as (JWT bearer flow).
# Usage: [BRIDGE_USERNAME=bridge@example.com] scripts/sf/assign-permsets.sh [alias]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

step "Assigning Chat_User and Chat_Auditor to the default user of '$ORG_ALIAS'"
sf org assign permset --name Chat_User --name Chat_Auditor --target-org "$ORG_ALIAS"

if [[ -n "${BRIDGE_USERNAME:-}" ]]; then
    step "Assigning Chat_Bridge_Integration to $BRIDGE_USERNAME"
    sf org assign permset --name Chat_Bridge_Integration --on-behalf-of "$BRIDGE_USERNAME" --target-org "$ORG_ALIAS"
else
    echo "BRIDGE_USERNAME not set: assign Chat_Bridge_Integration to the bridge's integration user yourself."
fi
