#!/usr/bin/env bash
# Deploys force-app (objects, Apex, LWC, static resource, permission sets, CSP Trusted Sites, settings).
# Run scripts/set-bridge-url.mjs first so the CSP Trusted Sites name your bridge.
# Usage: scripts/sf/deploy.sh [alias]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

step "Checking that the socketiojs static resource matches package.json"
node scripts/copy-socketio.mjs --check

step "Deploying force-app to '$ORG_ALIAS'"
sf project deploy start --source-dir force-app --target-org "$ORG_ALIAS" --wait 30
