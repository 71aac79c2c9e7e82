#!/usr/bin/env bash
# Fails a workflow job early, with one clear line per missing setting, when a repository or environment
# secret/variable the job needs is empty. Usage: require-settings.sh NAME... (each NAME an environment
# variable the workflow mapped from vars.NAME or secrets.NAME).
set -euo pipefail

missing=0
for name in "$@"; do
  if [ -z "${!name:-}" ]; then
    echo "::error title=Missing setting ${name}::${name} is empty. Create it under Settings > Secrets and variables > Actions (or on the job's environment); docs/ci-cd.md lists every setting."
    missing=1
  fi
done
if [ "$missing" -ne 0 ]; then
  exit 1
fi
echo "All settings present: $*"
