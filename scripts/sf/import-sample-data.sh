#!/usr/bin/env bash
# Imports a few sample chat messages (data/sample-data-plan.json). They are authored by the
# importing user; each insert publishes Chat_Event__e like any other save.
# Usage: scripts/sf/import-sample-data.sh [alias]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

step "Importing sample data into '$ORG_ALIAS'"
sf data import tree --plan data/sample-data-plan.json --target-org "$ORG_ALIAS"
