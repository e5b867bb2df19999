#!/usr/bin/env bash
# Runs every local Apex test in the org with code coverage and waits for the result.
# Usage: scripts/sf/run-apex-tests.sh [alias]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

step "Running Apex tests in '$ORG_ALIAS'"
sf apex run test \
    --test-level RunLocalTests \
    --code-coverage \
    --result-format human \
    --wait 30 \
    --target-org "$ORG_ALIAS"
