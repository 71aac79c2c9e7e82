//go:build tools

// Package tools pins the Node.js language host that runs our Pulumi programs and policy pack under the engine.
// Since v3.69 the host is a module of its own that the Go module proxy does not serve; v3.68.0 is the last release
// that shipped it inside github.com/pulumi/pulumi/sdk/v3. It speaks the same language-host protocol to the engine and
// starts the @pulumi/pulumi that the program installs, so the SDK in use is still the workspace's 3.270.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
