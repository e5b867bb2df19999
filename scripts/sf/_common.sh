#!/usr/bin/env bash
# Shared by the scripts in scripts/sf/: strict mode, repository root as working directory, the org
# alias (first argument, or $SF_CHAT_ORG, or "sf-chat-bridge"), and a check that the sf CLI exists.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$REPO_ROOT"

ORG_ALIAS="${1:-${SF_CHAT_ORG:-sf-chat-bridge}}"

if ! command -v sf >/dev/null 2>&1; then
    echo "The Salesforce CLI (sf) is not installed: https://developer.salesforce.com/tools/salesforcecli" >&2
    exit 1
fi

step() {
    echo ""
    echo "==> $*"
}
