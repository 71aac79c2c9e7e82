#!/usr/bin/env bash
# Builds the Helm CLI from the Go module pinned in go.mod, with the machine's Go, and caches it by version outside
# the repository. Prints the path of the helm binary on stdout; progress goes to stderr. A second run with the same
# pins costs nothing.
#
#   HELM="$(tools/helm/build.sh)"
#   tools/helm/build.sh --cached    # print the cached binary, or exit 3 without building (tests use this)
#
# The chart checks (test/chart.test.ts, scripts/ci/check-chart.sh) use it; nothing in the repository ships it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

command -v go >/dev/null 2>&1 || { echo "helm build: Go is not installed (needs Go 1.26 or newer)" >&2; exit 1; }

version="$(go -C "$here" list -m -f '{{.Version}}' helm.sh/helm/v3)"
# The Kubernetes version Helm assumes without a cluster (.Capabilities.KubeVersion, `helm lint`) is its client-go's,
# stamped in as Helm's own Makefile does; unstamped it is v1.20, older than any EKS offers.
client_go="$(go -C "$here" list -m -f '{{.Version}}' k8s.io/client-go)"
kube_minor="$(echo "$client_go" | cut -d. -f2)"
pins="$(cat "$here/go.sum" "$here/build.sh" | sha256sum | cut -c1-12)"
root="${HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/platform/helm}/${version}-${pins}"

if [ -x "$root/bin/helm" ] && "$root/bin/helm" version --short 2>/dev/null | grep -q "^${version}"; then
  echo "helm build: using the cached Helm ${version} in ${root}" >&2
  echo "$root/bin/helm"
  exit 0
fi

if [ "${1:-}" = "--cached" ]; then
  echo "helm build: Helm ${version} is not built yet; run tools/helm/build.sh (about 5 minutes the first time)" >&2
  exit 3
fi
echo "helm build: building Helm ${version} (first run only)" >&2
started=$SECONDS
mkdir -p "$root/bin"
# The version is stamped in, as Helm's own Makefile does; without it `helm version` reports v3.x-dev.
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
go -C "$here" build -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${version} \
  -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${kube_minor} \
  -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${kube_minor}" \
  -o "$root/bin/helm.partial" helm.sh/helm/v3/cmd/helm
# Renamed last, so an interrupted build is never taken for a finished one.
mv "$root/bin/helm.partial" "$root/bin/helm"
echo "helm build: built in $((SECONDS - started)) s into ${root}" >&2
echo "$root/bin/helm"
