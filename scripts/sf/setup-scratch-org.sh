#!/usr/bin/env bash
# One command from nothing to a working scratch org: create, deploy, assign permission sets,
# import sample data, run the Apex tests, open the org.
# Usage: [BRIDGE_USERNAME=…] scripts/sf/setup-scratch-org.sh [alias] [duration-days]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
HERE="$(dirname "${BASH_SOURCE[0]}")"

"$HERE/create-scratch-org.sh" "$ORG_ALIAS" "${2:-7}"
"$HERE/deploy.sh" "$ORG_ALIAS"
"$HERE/assign-permsets.sh" "$ORG_ALIAS"
"$HERE/import-sample-data.sh" "$ORG_ALIAS"
"$HERE/run-apex-tests.sh" "$ORG_ALIAS"

step "Opening '$ORG_ALIAS' (create the certificate and the connected app next: README.md "Deploy to Salesforce")"
sf org open --target-org "$ORG_ALIAS"
