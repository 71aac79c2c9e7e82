#!/usr/bin/env bash
# Builds the Pulumi CLI (the engine) and its Node.js language host from the Go modules pinned in engine/,
# language-nodejs/ and language-nodejs-shim/, with the machine's Go, and caches them by version outside the
# repository. Prints the cache folder (the `root` that PulumiCommand.get() takes: it holds bin/pulumi and
# bin/pulumi-language-nodejs) on stdout; progress goes to stderr. A second run with the same pins costs nothing.
#
#   PULUMI_CLI_DIR="$(tools/pulumi/build.sh)"
#
# The test suites use the binaries; nothing in the repository ships them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

command -v go >/dev/null 2>&1 || { echo "pulumi build: Go is not installed (needs Go 1.26 or newer)" >&2; exit 1; }

version="$(go -C "$here/engine" list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
# The key covers every module's pins and the shim's own source, so a change to any of them rebuilds.
pins="$(cat "$here"/engine/go.sum "$here"/language-nodejs/go.sum "$here"/language-nodejs-shim/go.sum \
  "$here"/language-nodejs-shim/*.go | sha256sum | cut -c1-12)"
root="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/platform/pulumi}/${version}-${pins}"

legacy_host="$root/libexec/pulumi-language-nodejs-v3.68"
if [ -x "$root/bin/pulumi" ] && [ -x "$root/bin/pulumi-language-nodejs" ] && [ -x "$legacy_host" ] \
  && [ "$("$root/bin/pulumi" version 2>/dev/null)" = "$version" ]; then
  echo "pulumi build: using the cached Pulumi CLI ${version} in ${root}" >&2
  echo "$root"
  exit 0
fi

echo "pulumi build: building the Pulumi CLI ${version} and its Node.js language host (first run only)" >&2
started=$SECONDS
mkdir -p "$root/bin" "$root/libexec"
# Static binaries without cgo; the tags drop gRPC's tracing and cgo user look-ups. The version is stamped in:
# without it `pulumi version` prints nothing and the Automation API refuses the CLI.
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
go -C "$here/engine" build -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}" \
  -o "$root/bin/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
# The Node.js language host is two programs. The newest host the module proxy serves is v3.68's; it runs programs
# against this engine, but answers RunPlugin with "not supported", and the engine starts Node.js policy packs
# (`--policy-pack`) through RunPlugin. So the engine starts our shim (language-nodejs-shim/) as
# pulumi-language-nodejs: it runs policy packs itself and passes every other call to the v3.68 host, kept in
# libexec/ so that it is not on PATH.
go -C "$here/language-nodejs" build -tags osusergo,grpcnotrace -ldflags "-s -w" \
  -o "$legacy_host.partial" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
go -C "$here/language-nodejs-shim" build -tags osusergo,grpcnotrace -ldflags "-s -w" \
  -o "$root/bin/pulumi-language-nodejs.partial" .
# Renamed last, so an interrupted build is never taken for a finished one.
mv "$legacy_host.partial" "$legacy_host"
mv "$root/bin/pulumi-language-nodejs.partial" "$root/bin/pulumi-language-nodejs"
mv "$root/bin/pulumi.partial" "$root/bin/pulumi"
echo "pulumi build: built in $((SECONDS - started)) s into ${root}" >&2
echo "$root"
