#!/usr/bin/env bash
# Runs the whole test suite once with V8 coverage and writes coverage/lcov.info for SonarQube.
# Used by the pull-request and deploy workflows instead of a second, coverage-less test run.
# Any extra arguments go to vitest (e.g. --project cli to measure one package).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

pnpm exec vitest run \
  --coverage.enabled \
  --coverage.provider=v8 \
  --coverage.reporter=lcov \
  --coverage.reporter=text-summary \
  --coverage.reportsDirectory=coverage \
  --coverage.include='infra/src/**/*.ts' \
  --coverage.include='service/src/**/*.ts' \
  --coverage.include='cli/src/**/*.ts' \
  --coverage.include='policy/src/**/*.ts' \
  --coverage.include='stacks/*/src/**/*.ts' \
  --coverage.include='stacks/*/*.ts' \
  --coverage.exclude='**/*.test.ts' \
  --coverage.exclude='**/test/**' \
  "$@"

test -s coverage/lcov.info || { echo "test-with-coverage: coverage/lcov.info was not written" >&2; exit 1; }
