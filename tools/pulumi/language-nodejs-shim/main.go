// Command pulumi-language-nodejs is the Node.js language host that our Pulumi engine starts. It is a thin front for
// the v3.68.0 host (the newest one the Go module proxy serves, see ../language-nodejs): every LanguageRuntime call
// is passed through to that host unchanged, except RunPlugin. The v3.68 host answers RunPlugin with "not supported",
// while the v3.274 engine starts Node.js policy packs through exactly that call, so this program runs policy packs
// (plugin kind "analyzer") itself.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// legacyHostPath is where build.sh puts the v3.68 host, relative to this program's folder. It lives outside bin/ so
// that nothing looking for plugins on PATH mistakes it for a language host of a runtime named "nodejs-v3.68".
const legacyHostPath = "../libexec/pulumi-language-nodejs-v3.68"

// shutdownGrace is how long the legacy host gets to stop after we pass on an interrupt, before it is killed.
const shutdownGrace = 5 * time.Second

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	hostPath, err := locateLegacyHost()
	if err != nil {
		return err
	}

	// Registered before the child starts, so an interrupt that arrives during start-up is not lost.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)

	child, childStdout, err := startLegacyHost(hostPath, os.Args[1:])
	if err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()

	childPort, err := readPort(childStdout)
	if err != nil {
		stopChild(child, exited, os.Interrupt)
		return fmt.Errorf("the Node.js language host %s did not report its port: %w", hostPath, err)
	}

	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(childPort),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		stopChild(child, exited, os.Interrupt)
		return fmt.Errorf("connecting to the Node.js language host on port %d: %w", childPort, err)
	}
	defer conn.Close()

	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			srv.RegisterService(&runPluginService, &policyRunner{})
			return nil
		},
		Options: []grpc.ServerOption{
			grpc.ForceServerCodecV2(passthroughCodec{}),
			grpc.UnknownServiceHandler(forwardTo(conn)),
		},
	})
	if err != nil {
		stopChild(child, exited, os.Interrupt)
		return fmt.Errorf("starting the language host's gRPC server: %w", err)
	}

	// The engine reads the first line of our stdout as the port; the child's own later output follows it.
	fmt.Printf("%d\n", handle.Port)
	go func() { _, _ = io.Copy(os.Stdout, childStdout) }()

	select {
	case err := <-exited:
		close(cancel)
		<-handle.Done
		return childExitError(err)
	case sig := <-signals:
		stopChild(child, exited, sig)
		close(cancel)
		<-handle.Done
		return nil
	case err := <-handle.Done:
		stopChild(child, exited, os.Interrupt)
		if err != nil {
			return fmt.Errorf("the language host's gRPC server stopped: %w", err)
		}
		return nil
	}
}

func locateLegacyHost() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding this program's own path: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	path := filepath.Join(filepath.Dir(self), filepath.FromSlash(legacyHostPath))
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("the Node.js language host it fronts is missing (%w); rebuild with tools/pulumi/build.sh", err)
	}
	return path, nil
}

func startLegacyHost(path string, args []string) (*exec.Cmd, *bufio.Reader, error) {
	cmd := exec.Command(path, args...)
	cmd.Stdin = os.Stdin
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("starting the Node.js language host %s: %w", path, err)
	}
	return cmd, bufio.NewReader(stdout), nil
}

func readPort(stdout *bufio.Reader) (int, error) {
	line, err := stdout.ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("reading its first line of output: %w (got %q)", err, line)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || port <= 0 || port > 65535 {
		return 0, fmt.Errorf("its first line of output %q is not a port number", strings.TrimSpace(line))
	}
	return port, nil
}

// stopChild passes the signal on and waits for the child to go, killing it if it outstays shutdownGrace. The engine
// usually signals the whole process group, so the child may already be on its way out.
func stopChild(child *exec.Cmd, exited <-chan error, sig os.Signal) {
	_ = child.Process.Signal(sig)
	select {
	case <-exited:
	case <-time.After(shutdownGrace):
		_ = child.Process.Kill()
		<-exited
	}
}

func childExitError(err error) error {
	if err != nil {
		return fmt.Errorf("the Node.js language host it fronts stopped: %w", err)
	}
	return nil
}

// runPluginService registers only RunPlugin under the LanguageRuntime service name; gRPC sends every other method
// of the service, being unregistered, to the UnknownServiceHandler that forwards it.
var runPluginService = grpc.ServiceDesc{
	ServiceName: pulumirpc.LanguageRuntime_ServiceDesc.ServiceName,
	HandlerType: pulumirpc.LanguageRuntime_ServiceDesc.HandlerType,
	Streams:     streamsNamed(pulumirpc.LanguageRuntime_ServiceDesc.Streams, "RunPlugin"),
	Metadata:    pulumirpc.LanguageRuntime_ServiceDesc.Metadata,
}

func streamsNamed(streams []grpc.StreamDesc, name string) []grpc.StreamDesc {
	for _, s := range streams {
		if s.StreamName == name {
			return []grpc.StreamDesc{s}
		}
	}
	panic("the LanguageRuntime service has no stream named " + name)
}
