// Package mongoshtest runs the real mongosh (npm package "mongosh", pinned
// in tools/node/package.json, installed by `make mongosh`) against a
// scripted replica set (internal/mongostub), for behaviour tests of the
// scripts topogen generates.
//
// The scripts name members by their real host names
// (global-rs-us-0.us.db.myapp.internal:27017). A preloaded module
// (NODE_OPTIONS=--require) rewrites each TCP connection mongosh opens to
// that host:port into the stub member's 127.0.0.1 address, and sends every
// other host to a closed port, so nothing leaves the machine.
//
// Run and RunShell keep their old meaning (one mongosh invocation, its exit
// code and output) but, for speed, send each invocation as a case to a
// long-running mongosh (server.go, driver.js) instead of starting Node.js
// each time. Tests run many cases in parallel subtests as before; at most
// Servers run at once.
package mongoshtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Stub is what mongosh runs against: a scripted replica set
// (*mongostub.Set) or sharded cluster (*mongostub.Cluster), by the
// addresses its hosts listen on.
type Stub interface {
	Addrs() map[string]string
}

// Find returns the mongosh to run: $MONGOSH, else the pinned one under
// tools/node. Without one the test is skipped, except in CI (CI=true),
// where a missing mongosh is a failure.
func Find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("MONGOSH"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "tools", "node", "node_modules", ".bin", "mongosh")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("mongosh not found (set MONGOSH or run `make mongosh`); CI must run the mongosh behaviour tests")
	}
	t.Skip("mongosh not installed: run `make mongosh` to run the mongosh behaviour tests")
	return ""
}

// Result is one mongosh run.
type Result struct {
	Exit   int
	Stdout string
	Stderr string
}

// preload rewrites connections (see the package comment). The driver opens
// sockets with net.createConnection(options) (mongodb cmap/connect.js
// makeSocket).
const preload = `'use strict';
const net = require('net');
function rewrite(args) {
  // Read per connection: a mongoshtest server runs many cases, each with
  // its own MONGOSTUB_HOSTS.
  const map = JSON.parse(process.env.MONGOSTUB_HOSTS || '{}');
  const o = args[0];
  if (o === null || typeof o !== 'object' || o.host === undefined) return args;
  const to = map[o.host + ':' + o.port] || (String(o.host).startsWith('127.') ? null : '127.0.0.1:1');
  if (!to) return args;
  const i = to.lastIndexOf(':');
  return [Object.assign({}, o, { host: to.slice(0, i), port: Number(to.slice(i + 1)) }), ...args.slice(1)];
}
const create = net.createConnection;
net.createConnection = net.connect = function (...args) { return create.apply(this, rewrite(args)); };
`

// tlsFree wraps mongosh for commands written for the pods: it drops the
// TLS options (the stub speaks plain TCP) and passes everything else on,
// to the mongoshtest server (client.js) or, with MONGOSHTEST_PROCESS=1, to
// mongosh itself.
const tlsFree = `#!/bin/sh
skip=
for a do
  shift
  if [ -n "$skip" ]; then skip=; continue; fi
  case "$a" in
    --tls|--tlsAllowInvalidHostnames) continue ;;
    --tlsCAFile|--tlsCertificateKeyFile) skip=1; continue ;;
  esac
  set -- "$@" "$a"
done
if [ -n "$MONGOSHTEST_CLIENT" ]; then exec node "$MONGOSHTEST_CLIENT" "$@"; fi
exec "$MONGOSH_REAL" "$@"
`

// processMode: MONGOSHTEST_PROCESS=1 runs every invocation as its own
// mongosh process (see server.go).
var processMode = os.Getenv("MONGOSHTEST_PROCESS") == "1"

// RunShell runs a generated shell command (a probe, a preStop hook, a
// sidecar script) with sh -c, its "mongosh" being the real one without
// TLS options, against set. The script has a mongosh server to itself
// while it runs.
func RunShell(t testing.TB, set Stub, env []string, script string) Result {
	t.Helper()
	real := Find(t)
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "mongosh"), []byte(tlsFree), 0o755); err != nil {
		t.Fatal(err)
	}
	env = append([]string{"MONGOSH_REAL=" + real, "PATH=" + bin + ":" + os.Getenv("PATH")}, env...)
	if processMode {
		return run(t, set, env, "sh", "-c", script)
	}
	s, err := acquire(real)
	if err != nil {
		t.Fatal(err)
	}
	defer release(s)
	env = append(env, "MONGOSHTEST_SOCKET="+s.sock, "MONGOSHTEST_CLIENT="+s.client)
	return run(t, set, env, "sh", "-c", script)
}

// Run runs mongosh with args against set, with env added to a minimal
// environment, as one case of a mongosh server. It fails the test if the
// case cannot be run or runs for more than two minutes.
func Run(t testing.TB, set Stub, env []string, args ...string) Result {
	t.Helper()
	real := Find(t)
	if processMode {
		return run(t, set, env, real, args...)
	}
	dir, cmdEnv := caseEnv(t, set, env)
	for try := 0; ; try++ {
		s, err := acquire(real)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.run(request{Args: args, Env: envMap(cmdEnv), Cwd: dir})
		release(s)
		if err == errNotSent && try < 3 {
			continue
		}
		if err != nil {
			t.Fatalf("mongosh %v: %v", args, err)
		}
		return res
	}
}

// baseEnv is the environment of every mongosh run: dir holds
// mongostub-preload.js.
func baseEnv(dir, hosts string) []string {
	return []string{
		"HOME=" + dir, // mongosh writes its config and logs under $HOME
		"NODE_OPTIONS=--require " + filepath.Join(dir, "mongostub-preload.js"),
		"MONGOSTUB_HOSTS=" + hosts,
		// No telemetry, no update check: nothing but the stub is contacted.
		"DO_NOT_TRACK=1",
		"MONGOSH_NO_UPDATE_CHECK=1",
	}
}

// caseEnv makes a run's directory and its whole environment.
func caseEnv(t testing.TB, set Stub, env []string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "mongostub-preload.js"), []byte(preload), 0o644); err != nil {
		t.Fatal(err)
	}
	hosts, err := json.Marshal(set.Addrs())
	if err != nil {
		t.Fatal(err)
	}
	cmdEnv := append(baseEnv(dir, string(hosts)), env...)
	if !hasPath(env) {
		cmdEnv = append(cmdEnv, "PATH="+os.Getenv("PATH"))
	}
	return dir, cmdEnv
}

func run(t testing.TB, set Stub, env []string, bin string, args ...string) Result {
	t.Helper()
	dir, cmdEnv := caseEnv(t, set, env)
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = cmdEnv
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		res.Exit = exit.ExitCode()
	default:
		t.Fatalf("mongosh %v: %v\nstdout:\n%s\nstderr:\n%s", args, err, res.Stdout, res.Stderr)
	}
	return res
}

func hasPath(env []string) bool {
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			return true
		}
	}
	return false
}
