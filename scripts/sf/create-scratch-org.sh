#!/usr/bin/env bash
# Creates a scratch org from config/project-scratch-def.json (needs a Dev Hub: sf org login web -d).
# Usage: scripts/sf/create-scratch-org.sh [alias] [duration-days]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
DAYS="${2:-7}"

step "Creating scratch org '$ORG_ALIAS' for $DAYS days"
sf org create scratch \
    --definition-file config/project-scratch-def.json \
    --alias "$ORG_ALIAS" \
    --set-default \
    --duration-days "$DAYS" \
    --wait 20
