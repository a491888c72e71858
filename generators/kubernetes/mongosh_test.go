package kubernetes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/internal/mongoshtest"
	"github.com/topogen/topogen/internal/mongostub"
	"github.com/topogen/topogen/model"
)

// The --eval strings of the probes, the preStop hook and the tls-reloader,
// run by sh exactly as generated, in the real mongosh (TLS options
// dropped), against a scripted member reached as localhost:27017.

func mongodOf(t *testing.T, topo *model.Topology, r model.Region) corev1.Container {
	t.Helper()
	sts := buildStatefulSet(topo, r, []byte("conf")).v.(appsv1.StatefulSet)
	for _, c := range sts.Spec.Template.Spec.Containers {
		if c.Name == mongodContainer {
			return c
		}
	}
	t.Fatal("no mongod container")
	return corev1.Container{}
}

func shell(t *testing.T, cmd []string) string {
	t.Helper()
	if len(cmd) != 3 || cmd[0] != "sh" || cmd[1] != "-c" {
		t.Fatalf("command %q is not sh -c SCRIPT", cmd)
	}
	return cmd[2]
}

// podSet is the region's first member, reachable as localhost inside its pod.
func podSet(t *testing.T, topo *model.Topology, state string) (*mongostub.Set, string) {
	t.Helper()
	var hosts []string
	for _, m := range topo.Members {
		hosts = append(hosts, m.HostPort())
	}
	set := mongostub.New(t, hosts)
	self := hosts[0]
	set.Alias("localhost:27017", self)
	cfg := replset.InitiateConfig(topo)
	switch state {
	case "primary":
	case "secondary":
		// A higher priority elsewhere makes another member primary.
		cfg.Members[1].Priority = 1000
	case "stalled":
		set.Hang(self)
	}
	if state != "uninitiated" && state != "stalled" {
		var d bson.D
		if err := bson.UnmarshalExtJSON(replset.MarshalConfig(cfg), false, &d); err != nil {
			t.Fatal(err)
		}
		if err := set.Run(d); err != nil {
			t.Fatal(err)
		}
	}
	return set, self
}

func TestProbesInMongosh(t *testing.T) {
	mongoshtest.Find(t)
	t.Parallel()
	topo := load(t, cases["default"])
	c := mongodOf(t, topo, topo.Regions[0])
	probes := map[string]*corev1.Probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe}
	// Want exit 0 (probe passes) per state: ping answers in every state
	// but a stalled process; readiness also passes before initiation (the
	// init Job needs ready members; hello's isreplicaset without setName).
	for _, tc := range []struct {
		probe, state string
		pass         bool
	}{
		{"startup", "uninitiated", true},
		{"liveness", "primary", true},
		{"liveness", "stalled", false},
		{"readiness", "uninitiated", true},
		{"readiness", "primary", true},
		{"readiness", "secondary", true},
		{"readiness", "stalled", false},
	} {
		t.Run(tc.probe+"/"+tc.state, func(t *testing.T) {
			t.Parallel() // a stalled case waits 2 s for server selection
			set, _ := podSet(t, topo, tc.state)
			script := shell(t, probes[tc.probe].Exec.Command)
			// The kubelet's timeoutSeconds ends a stalled probe; here
			// mongosh's server selection (30 s default) does.
			res := mongoshtest.RunShell(t, set, nil, script)
			if (res.Exit == 0) != tc.pass {
				t.Errorf("exit %d, want pass=%v\nstdout:\n%s\nstderr:\n%s", res.Exit, tc.pass, res.Stdout, res.Stderr)
			}
			for _, cmd := range set.Commands() {
				if !readOnlyCmd[cmd.Name] {
					t.Errorf("probe sent %s", cmd.Name)
				}
			}
		})
	}
}

var readOnlyCmd = map[string]bool{"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true,
	"getParameter": true, "atlasVersion": true, "aggregate": true, "endSessions": true}

// TestPreStopInMongosh: the primary logs in as root from its environment
// and steps down (60 s, 30 s catch-up); a secondary does nothing.
func TestPreStopInMongosh(t *testing.T) {
	mongoshtest.Find(t)
	t.Parallel()
	topo := load(t, cases["default"])
	c := mongodOf(t, topo, topo.Regions[0])
	script := shell(t, c.Lifecycle.PreStop.Exec.Command)
	if strings.Contains(script, "PASSWORD\"") || strings.Contains(script, "--password") {
		t.Errorf("preStop passes a password on the command line: %s", script)
	}
	for _, state := range []string{"primary", "secondary"} {
		t.Run(state, func(t *testing.T) {
			t.Parallel()
			set, self := podSet(t, topo, state)
			set.RequireAuth()
			set.AddUser("root", "s3cret", bson.A{})
			res := mongoshtest.RunShell(t, set, []string{"MONGO_INITDB_ROOT_USERNAME=root", "MONGO_INITDB_ROOT_PASSWORD=s3cret"}, script)
			if res.Exit != 0 {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
			}
			var stepDowns []mongostub.Command
			for _, cmd := range set.Commands() {
				if cmd.Name == "replSetStepDown" {
					stepDowns = append(stepDowns, cmd)
				}
			}
			if state == "secondary" {
				if len(stepDowns) != 0 {
					t.Errorf("a secondary stepped down: %v", stepDowns)
				}
				return
			}
			if len(stepDowns) != 1 {
				t.Fatalf("%d replSetStepDown, want 1; stdout:\n%s\nstderr:\n%s", len(stepDowns), res.Stdout, res.Stderr)
			}
			sd := stepDowns[0]
			if sd.Member != self || sd.User != "root" || sd.Doc.String() != `{"replSetStepDown":{"$numberInt":"60"},"secondaryCatchUpPeriodSecs":{"$numberInt":"30"}}` {
				t.Errorf("replSetStepDown on %s as %q: %s", sd.Member, sd.User, sd.Doc)
			}
		})
	}
}

// TestTLSReloaderInMongosh: on a renewal the sidecar logs in as the
// tls-reloader user from its Secret's files and runs rotateCertificates.
func TestTLSReloaderInMongosh(t *testing.T) {
	mongoshtest.Find(t)
	t.Parallel()
	topo := load(t, cases["default"])
	set, self := podSet(t, topo, "primary")
	set.RequireAuth()
	set.AddUser("tls-reloader", "rel:oad@er", bson.A{})
	dir := t.TempDir()
	tls, creds, bin := filepath.Join(dir, "tls"), filepath.Join(dir, "creds"), filepath.Join(dir, "bin")
	for p, data := range map[string]string{
		filepath.Join(tls, "tls.crt"):    "old cert\n",
		filepath.Join(tls, "tls.key"):    "old key\n",
		filepath.Join(tls, "ca.crt"):     "ca\n",
		filepath.Join(creds, "username"): "tls-reloader\n",
		filepath.Join(creds, "password"): "rel:oad@er\n",
		// sleep: the first call renews the certificate, the second ends
		// the loop.
		filepath.Join(bin, "sleep"): "#!/bin/sh\nn=$(cat \"$STATE/n\" 2>/dev/null || echo 0); n=$((n+1)); echo $n > \"$STATE/n\"\n" +
			"[ $n = 1 ] && printf 'new cert\\n' > \"$TLS/tls.crt\"\n[ $n -lt 2 ]\n",
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script := tlsReloaderScript(tls, filepath.Join(dir, "mongod.pem"), mongoshLocal(topo), creds, 1)
	// sleep is a shell function running the fake.
	res := mongoshtest.RunShell(t, set, []string{"STATE=" + dir, "TLS=" + tls},
		"sleep() { "+filepath.Join(bin, "sleep")+"; }\n"+script)
	var rotations []mongostub.Command
	for _, cmd := range set.Commands() {
		if cmd.Name == "rotateCertificates" {
			rotations = append(rotations, cmd)
		}
	}
	if len(rotations) != 1 || rotations[0].User != "tls-reloader" || rotations[0].Member != self {
		t.Fatalf("rotateCertificates: %+v, want one, as tls-reloader on %s\nstdout:\n%s\nstderr:\n%s", rotations, self, res.Stdout, res.Stderr)
	}
	if !strings.Contains(res.Stdout, "tls-reloader: mongod reloaded its certificates") {
		t.Errorf("stdout:\n%s", res.Stdout)
	}
}
