//go:build tools

// Package tools pins the Pulumi CLI (the engine) that the real-engine test suite runs. Nothing imports it;
// build.sh builds the command named below from the module graph this go.mod and go.sum fix.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
