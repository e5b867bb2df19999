#!/usr/bin/env bash
# One command from nothing to a working scratch org: create, deploy, assign permission sets,
# import sample data, run the Apex tests, open the org.
# Usage: [BRIDGE_USERNAME=…] scripts/sf/setup-scratch-org.sh [alias] [duration-days]
# Works from any folder: its own folder is resolved before _common.sh changes to the repo root
# (after that cd, a relative BASH_SOURCE such as ./setup-scratch-org.sh would point nowhere).
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
source "$HERE/_common.sh"

"$HERE/create-scratch-org.sh" "$ORG_ALIAS" "${2:-7}"
"$HERE/deploy.sh" "$ORG_ALIAS"
"$HERE/assign-permsets.sh" "$ORG_ALIAS"
"$HERE/import-sample-data.sh" "$ORG_ALIAS"
"$HERE/run-apex-tests.sh" "$ORG_ALIAS"

step "Opening '$ORG_ALIAS' (create the certificate and the connected app next: README.md \"Deploy to Salesforce\")"
sf org open --target-org "$ORG_ALIAS"
