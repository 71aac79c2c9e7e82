package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/google/shlex"
	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// policyPackEntry is the script in @pulumi/pulumi that starts a Node.js policy pack.
const policyPackEntry = "@pulumi/pulumi/cmd/run-policy-pack"

// policyRunner answers RunPlugin; the other LanguageRuntime methods never reach it (see runPluginService).
type policyRunner struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
}

func (policyRunner) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return status.Errorf(codes.Unimplemented,
			"this Node.js language host runs only policy packs as plugins, not a plugin of kind %q "+
				"(it fronts the v3.68 host, which has no RunPlugin; see tools/pulumi/build.sh)", req.GetKind())
	}
	ctx := server.Context()
	packDir := req.GetInfo().GetProgramDirectory()

	opts, err := parseOptions(req.GetInfo().GetOptions().AsMap())
	if err != nil {
		return status.Errorf(codes.InvalidArgument, "policy pack in %s: %v", packDir, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("running the policy pack in %s needs Node.js on PATH: %w", packDir, err)
	}
	entry, err := resolveModule(node, packDir, policyPackEntry)
	if err != nil {
		return err
	}

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	// Older policy libraries (@pulumi/policy before stack configuration over gRPC) read the stack's organization,
	// project, stack and config from the environment. The proxy stands in for the pack until the engine has sent
	// that configuration, so the pack can be started with it, then relays the engine's calls to the real pack.
	proxy, stdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("starting the policy pack proxy: %w", err)
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("waiting for the stack configuration for the policy pack: %w", err)
	}
	env, err := policyPackEnv(req.GetEnv(), opts, stack)
	if err != nil {
		return err
	}

	// The pack's directory goes last and is also the working directory, as the policy runner has always expected.
	args := append([]string{entry}, opts.nodeArgs...)
	args = append(args, req.GetArgs()...)
	args = append(args, packDir)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = packDir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		proxy.Abort(err)
		return fmt.Errorf("starting the policy pack in %s: %w", packDir, err)
	}

	// Attach returns when the pack exits.
	if err := proxy.Attach(ctx, cmd); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("running the policy pack in %s: %w", packDir, err)
		}
		if err := closer.Close(); err != nil {
			return err
		}
		return server.Send(&pulumirpc.RunPluginResponse{
			Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitErr.ExitCode())},
		})
	}
	return closer.Close()
}

type nodeOptions struct {
	typescript bool
	tsconfig   string
	nodeArgs   []string
}

// parseOptions reads the `runtime.options` of the pack's PulumiPolicy.yaml, with the defaults the Node.js host uses.
func parseOptions(options map[string]any) (nodeOptions, error) {
	opts := nodeOptions{typescript: true}
	if v, ok := options["typescript"]; ok {
		b, ok := v.(bool)
		if !ok {
			return opts, fmt.Errorf("runtime option typescript must be true or false, got %v", v)
		}
		opts.typescript = b
	}
	if v, ok := options["tsconfig"]; ok {
		s, ok := v.(string)
		if !ok {
			return opts, fmt.Errorf("runtime option tsconfig must be a path, got %v", v)
		}
		opts.tsconfig = s
	}
	if v, ok := options["nodeargs"]; ok {
		s, ok := v.(string)
		if !ok {
			return opts, fmt.Errorf("runtime option nodeargs must be a string, got %v", v)
		}
		args, err := shlex.Split(s)
		if err != nil {
			return opts, fmt.Errorf("runtime option nodeargs %q: %w", s, err)
		}
		opts.nodeArgs = args
	}
	return opts, nil
}

func policyPackEnv(base []string, opts nodeOptions, stack *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	env := append([]string(nil), base...)
	add := func(key, value string) {
		if value != "" {
			env = append(env, key+"="+value)
		}
	}
	if opts.typescript {
		add("PULUMI_NODEJS_TYPESCRIPT", "true")
	}
	add("PULUMI_NODEJS_TSCONFIG_PATH", opts.tsconfig)
	if stack == nil {
		return env, nil
	}
	add("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", stack.GetProject())
	add("PULUMI_NODEJS_STACK", stack.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
	if config := stack.GetConfig(); config != nil {
		encoded, err := json.Marshal(config)
		if err != nil {
			return nil, fmt.Errorf("encoding the stack configuration for the policy pack: %w", err)
		}
		add("PULUMI_CONFIG", string(encoded))
	}
	return env, nil
}

// resolveModule finds a module the way the pack itself would, from the pack's directory, so the @pulumi/pulumi the
// pack installed is the one that runs it.
func resolveModule(node, dir, module string) (string, error) {
	cmd := exec.Command(node, "-e", "console.log(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from the policy pack in %s (install its dependencies there): %s",
			module, dir, strings.TrimSpace(firstNonEmpty(stderr.String(), err.Error())))
	}
	return strings.TrimSpace(string(out)), nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
