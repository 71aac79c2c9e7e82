//go:build tools

// Package tools pins the Helm CLI that the chart checks (helm lint, helm template) run. Nothing imports it;
// build.sh builds the command named below from the module graph this go.mod and go.sum fix.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
