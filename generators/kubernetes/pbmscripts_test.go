package kubernetes

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// The pbm Jobs' scripts run under a real shell (sh) against a scripted
// pbm: an executable on PATH that records its arguments, one invocation
// per line, and answers each subcommand as the test says (stdout, exit
// status). The scripts and their environment are taken from the generated
// objects, so what is tested is what the cluster runs.

// pbmStub records "arg1 arg2 ..." per call in $STUB/calls and, for
// subcommand S, prints $STUB/S.out and exits with $STUB/S.rc (default 0).
const pbmStub = `#!/bin/sh
echo "$*" >> "$STUB/calls"
sub="$1"
[ -f "$STUB/$sub.out" ] && cat "$STUB/$sub.out"
rc=0
[ -f "$STUB/$sub.rc" ] && rc="$(cat "$STUB/$sub.rc")"
exit "$rc"
`

type answer struct {
	out string
	rc  int
}

type scriptRun struct {
	rc    int
	calls []string
	out   string
}

// objectFile decodes region's generated object kind/name into v.
func objectFile(t *testing.T, files []generators.File, region, kind, name string, v any) {
	t.Helper()
	p := path.Join(names.KubernetesDir(model.Region{Name: region}), names.ObjectFile(kind, name))
	for _, f := range files {
		if f.Path == p {
			if err := yaml.UnmarshalStrict(f.Data, v); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			return
		}
	}
	t.Fatalf("%s not generated", p)
}

// runScript runs the pod's script from the generated ConfigMap with the
// container's environment: ConfigMap mounts become files in a temporary
// directory, Secret and ConfigMap references values given in refs.
func runScript(t *testing.T, cm corev1.ConfigMap, spec corev1.PodSpec, refs map[string]string, answers map[string]answer) scriptRun {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Fatal("sh not found: the script tests need a POSIX shell")
	}
	dir := t.TempDir()
	stub := filepath.Join(dir, "stub")
	bin := filepath.Join(dir, "bin")
	etc := filepath.Join(dir, "etc")
	for _, d := range []string{stub, bin, etc} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string, mode os.FileMode) {
		if err := os.WriteFile(p, []byte(s), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bin, "pbm"), pbmStub, 0o755)
	for sub, a := range answers {
		write(filepath.Join(stub, sub+".out"), a.out, 0o644)
		write(filepath.Join(stub, sub+".rc"), strconv.Itoa(a.rc), 0o644)
	}
	for k, v := range cm.Data {
		write(filepath.Join(etc, k), v, 0o644)
	}
	c := spec.Containers[0]
	if len(c.Command) != 2 || c.Command[0] != "sh" || !strings.HasPrefix(c.Command[1], pbmScriptsDir+"/") {
		t.Fatalf("command %q: want sh %s/<script>", c.Command, pbmScriptsDir)
	}
	script := filepath.Join(etc, strings.TrimPrefix(c.Command[1], pbmScriptsDir+"/"))
	env := []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "STUB=" + stub}
	vals := map[string]string{}
	for _, e := range c.Env {
		v := e.Value
		switch {
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
			v = refs[e.ValueFrom.SecretKeyRef.Name+"/"+e.ValueFrom.SecretKeyRef.Key]
		case e.ValueFrom != nil && e.ValueFrom.ConfigMapKeyRef != nil:
			r, ok := refs[e.ValueFrom.ConfigMapKeyRef.Name+"/"+e.ValueFrom.ConfigMapKeyRef.Key]
			if !ok {
				continue // optional and absent: unset
			}
			v = r
		}
		for k, kv := range vals { // Kubernetes $(VAR) expansion
			v = strings.ReplaceAll(v, "$("+k+")", kv)
		}
		v = strings.ReplaceAll(v, pbmDir+"/", etc+"/")
		vals[e.Name] = v
		env = append(env, e.Name+"="+v)
	}
	cmd := exec.Command("sh", script)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	run := scriptRun{out: string(out)}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		run.rc = ee.ExitCode()
	}
	if b, err := os.ReadFile(filepath.Join(stub, "calls")); err == nil {
		run.calls = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	return run
}

var pbmRefs = map[string]string{
	names.SecretPBM + "/username": "pbm",
	names.SecretPBM + "/password": "s3cr3t",
}

func TestPBMConfigScript(t *testing.T) {
	topo := load(t, cases["default"])
	files := generate(t, topo)
	pref := topo.Preferred().Name
	var cm corev1.ConfigMap
	objectFile(t, files, pref, "ConfigMap", names.PBMConfigMap, &cm)
	var job batchv1.Job
	objectFile(t, files, pref, "Job", names.PBMConfigJob, &job)
	spec := job.Spec.Template.Spec

	// The scenario: apply config.yaml, wait for the resync at most 10 min.
	want := []string{"config --file CFG/config.yaml --wait --wait-time 10m0s"}
	for _, tc := range []struct {
		name    string
		answers map[string]answer
		rc      int
	}{
		{"applied", nil, 0},
		{"another operation in progress", map[string]answer{"config": {out: "Error: another operation in progress, backup/6512", rc: 1}}, 1},
		{"resync did not finish", map[string]answer{"config": {out: "Error: Operation is in progress. Check pbm status and logs", rc: 1}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := runScript(t, cm, spec, pbmRefs, tc.answers)
			if run.rc != tc.rc {
				t.Fatalf("exit %d, want %d:\n%s", run.rc, tc.rc, run.out)
			}
			if diff := cmp.Diff(want, normalize(run.calls)); diff != "" {
				t.Errorf("pbm calls (-want +got):\n%s", diff)
			}
		})
	}
	// pbm reads the URI from the environment: the agent and the CLI get the
	// user from the Secret, never on a command line.
	for _, e := range spec.Containers[0].Env {
		if e.Name == "PBM_MONGODB_URI" && !strings.HasPrefix(e.Value, "mongodb://$(PBM_USERNAME):$(PBM_PASSWORD)@") {
			t.Errorf("PBM_MONGODB_URI = %q", e.Value)
		}
	}
}

func TestPBMBackupScript(t *testing.T) {
	topo := load(t, cases["default"])
	files := generate(t, topo)
	pref := topo.Preferred().Name
	var cm corev1.ConfigMap
	objectFile(t, files, pref, "ConfigMap", names.PBMConfigMap, &cm)
	var cj batchv1.CronJob
	objectFile(t, files, pref, "CronJob", names.BackupCronJob, &cj)
	if cj.Spec.Schedule != "0 */6 * * *" {
		t.Errorf("schedule %q, want every 6 h (backup.every: 6h)", cj.Spec.Schedule)
	}
	spec := cj.Spec.JobTemplate.Spec.Template.Spec

	// regions/global.cue: every 6h, retentionDays 30; logical, s2; the wait
	// ends 10 min before the next backup is due.
	backup := "backup --type logical --compression s2 --wait --wait-time 5h50m0s"
	cleanup := "cleanup --older-than 30d --yes --wait --wait-time 5h50m0s"
	for _, tc := range []struct {
		name    string
		answers map[string]answer
		rc      int
		calls   []string
	}{
		{"backup and retention", nil, 0, []string{backup, cleanup}},
		{"backup failed: no retention", map[string]answer{"backup": {out: "Error: backup ended in error", rc: 1}}, 1, []string{backup}},
		{"backup timed out: no retention", map[string]answer{"backup": {out: "Error: Operation is in progress. Check pbm status and logs", rc: 1}}, 1, []string{backup}},
		{"cleanup failed", map[string]answer{"cleanup": {rc: 1}}, 1, []string{backup, cleanup}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := runScript(t, cm, spec, pbmRefs, tc.answers)
			if run.rc != tc.rc {
				t.Fatalf("exit %d, want %d:\n%s", run.rc, tc.rc, run.out)
			}
			if diff := cmp.Diff(tc.calls, normalize(run.calls)); diff != "" {
				t.Errorf("pbm calls (-want +got):\n%s", diff)
			}
		})
	}
	// The mongodump CronJob is gone: the backup Job runs pbm only.
	for _, c := range spec.Containers {
		if strings.Contains(strings.Join(c.Command, " "), "mongodump") || c.Image != topo.Backup.Image {
			t.Errorf("container %s: %s %q", c.Name, c.Image, c.Command)
		}
	}
}

func TestPBMRestoreScript(t *testing.T) {
	topo := load(t, cases["default"])
	files := generate(t, topo)
	for _, r := range topo.Regions { // every region can restore
		var cj batchv1.CronJob
		objectFile(t, files, r.Name, "CronJob", names.PBMRestoreCronJob, &cj)
		if cj.Spec.Suspend == nil || !*cj.Spec.Suspend {
			t.Errorf("%s: the restore template must be suspended", r.Name)
		}
		if b := cj.Spec.JobTemplate.Spec.BackoffLimit; b == nil || *b != 0 {
			t.Errorf("%s: a restore is never retried by Kubernetes", r.Name)
		}
	}
	pref := topo.Preferred().Name
	var cm corev1.ConfigMap
	objectFile(t, files, pref, "ConfigMap", names.PBMConfigMap, &cm)
	var cj batchv1.CronJob
	objectFile(t, files, pref, "CronJob", names.PBMRestoreCronJob, &cj)
	spec := cj.Spec.JobTemplate.Spec.Template.Spec

	const when = "2026-12-03T07:41:00"
	const name = "2026-12-03T09:00:01.123456789Z"
	at := map[string]string{RestoreTimeConfigMap + "/time": when}
	for k, v := range pbmRefs {
		at[k] = v
	}
	// 1 Ti per member (regions/us.cue) at 50 MB/s: about 6 h, rounded, plus 1 h.
	restore := "restore --time " + when + " --wait --wait-time 7h0m0s --out json"
	describe := "describe-restore " + name + " --out json"
	backup := "backup --type logical --compression s2 --wait --wait-time 7h0m0s"
	started := answer{out: "Starting restore " + name + " to point-in-time " + when + "\n{\"name\":\"" + name + "\",\"point-in-time\":\"" + when + "\"}\n"}
	for _, tc := range []struct {
		name    string
		refs    map[string]string
		answers map[string]answer
		rc      int
		calls   []string
	}{
		{"no time given", pbmRefs, nil, 2, nil},
		{"bad time", map[string]string{RestoreTimeConfigMap + "/time": "yesterday"}, nil, 2, nil},
		{"restored", at, map[string]answer{"restore": started, "describe-restore": {out: `{"name":"` + name + `","status":"done"}`}},
			0, []string{"list", restore, describe, backup, "config --set pitr.enabled=true"}},
		{"pbm list fails", at, map[string]answer{"list": {rc: 1}}, 1, []string{"list"}},
		{"restore failed", at, map[string]answer{"restore": {out: `{"error":"restore failed"}`, rc: 1}}, 1, []string{"list", restore}},
		{"restore timed out", at, map[string]answer{"restore": {out: "Operation is in progress. Check pbm status and logs", rc: 1}}, 1, []string{"list", restore}},
		{"restore ended in error", at, map[string]answer{"restore": started, "describe-restore": {out: `{"name":"` + name + `","status":"error","error":"oplog gap"}`}},
			1, []string{"list", restore, describe}},
		{"no restore name", at, map[string]answer{"restore": {out: "{}"}}, 1, []string{"list", restore}},
		{"new base backup failed", at, map[string]answer{"restore": started, "describe-restore": {out: `{"status":"done"}`}, "backup": {rc: 1}},
			1, []string{"list", restore, describe, backup}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := runScript(t, cm, spec, tc.refs, tc.answers)
			if run.rc != tc.rc {
				t.Fatalf("exit %d, want %d:\n%s", run.rc, tc.rc, run.out)
			}
			if diff := cmp.Diff(tc.calls, normalize(run.calls)); diff != "" {
				t.Errorf("pbm calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPBMFailoverScript(t *testing.T) {
	topo := load(t, cases["default"])
	files := generate(t, topo)
	var cm corev1.ConfigMap
	objectFile(t, files, "eu", "ConfigMap", names.PBMConfigMap, &cm)
	var cj batchv1.CronJob
	objectFile(t, files, "eu", "CronJob", names.PBMFailoverCronJob, &cj)
	run := runScript(t, cm, cj.Spec.JobTemplate.Spec.Template.Spec, pbmRefs, nil)
	if run.rc != 0 {
		t.Fatalf("exit %d:\n%s", run.rc, run.out)
	}
	if diff := cmp.Diff([]string{"config --file CFG/config-failover.yaml --wait --wait-time 10m0s"}, normalize(run.calls)); diff != "" {
		t.Errorf("pbm calls (-want +got):\n%s", diff)
	}
	// us (the preferred region) replicates to apac, the next region in
	// lexical order: the failover configuration is apac's bucket and key.
	var cfg struct {
		Storage struct {
			S3 struct {
				Region, Bucket, Prefix string
				ServerSideEncryption   struct{ SseAlgorithm, KmsKeyID string } `json:"serverSideEncryption"`
			}
		}
	}
	if err := yaml.Unmarshal([]byte(cm.Data[pbmFailoverKey]), &cfg); err != nil {
		t.Fatal(err)
	}
	s3 := cfg.Storage.S3
	if s3.Region != "ap-southeast-1" || s3.Bucket != "mongodb-backups-global-mongodb-apac" || s3.Prefix != "pbm" ||
		s3.ServerSideEncryption.KmsKeyID != "arn:aws:kms:ap-southeast-1:111122223333:alias/mongodb-backups-global-mongodb-apac" {
		t.Errorf("failover storage %+v", s3)
	}
}

// normalize replaces the temporary configuration directory by CFG.
func normalize(calls []string) []string {
	var out []string
	for _, c := range calls {
		if i := strings.Index(c, "/etc/"); i >= 0 {
			j := strings.LastIndex(c[:i+5], " ") + 1
			c = c[:j] + "CFG/" + c[i+5:]
		}
		out = append(out, c)
	}
	return out
}

// TestPBMStatusChecks runs each check container of the status CronJob
// under sh with the real jq against pbm status JSON shaped as PBM 2.10.0
// prints it (cmd/pbm/status.go): only the failing condition's container
// exits non-zero.
func TestPBMStatusChecks(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("jq not found: the PBM image has it and the check tests need it (apt-get install jq)")
	}
	topo := load(t, cases["default"])
	files := generate(t, topo)
	pref := topo.Preferred().Name
	var cm corev1.ConfigMap
	objectFile(t, files, pref, "ConfigMap", names.PBMConfigMap, &cm)
	var cj batchv1.CronJob
	objectFile(t, files, pref, "CronJob", names.PBMStatusCronJob, &cj)
	spec := cj.Spec.JobTemplate.Spec.Template.Spec
	if len(spec.InitContainers) != 1 || spec.InitContainers[0].Name != names.PBMStatusInit {
		t.Fatalf("init containers %v", spec.InitContainers)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "check.sh")
	if err := os.WriteFile(script, []byte(cm.Data["check.sh"]), 0o755); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	// rpo 1m: a chunk may be 1 m (span) + 1 m (upload) old; every 6h: a
	// base backup may be 6 h + 5 h 50 m old.
	status := func(chunkAge, backupAge int64, nodeOK bool, running string) string {
		return fmt.Sprintf(`{"cluster":[{"rs":"global-rs","nodes":[{"host":"global-rs-us-0.us.db.myapp.internal:27017","agent":"v2.10.0","role":"P","ok":true},{"host":"global-rs-eu-0.eu.db.myapp.internal:27017","agent":"v2.10.0","role":"S","ok":%t}]}],`+
			`"pitr":{"conf":true,"run":true,"nodes":[]},"running":%s,`+
			`"backups":{"type":"S3","path":"s3://mongodb-backups-global-mongodb-us/pbm","snapshot":[{"name":"old","status":"done","restoreTo":%d,"type":"logical"},{"name":"failed","status":"error","restoreTo":%d,"type":"logical"}],`+
			`"pitrChunks":{"pitrChunks":[{"range":{"start":%d,"end":%d}}],"size":1024}}}`,
			nodeOK, running, now-backupAge, now-60, now-backupAge, now-chunkAge)
	}
	healthy := status(30, 3600, true, "{}")
	for _, tc := range []struct {
		name   string
		status string
		failed []string
	}{
		{"healthy", healthy, nil},
		{"chunk 90 s old: within span + upload", status(90, 3600, true, "{}"), nil},
		{"chunk 5 min old", status(300, 3600, true, "{}"), []string{names.PBMCheckPITR}},
		{"base backup 11 h 51 m old", status(30, 11*3600+51*60, true, "{}"), []string{names.PBMCheckBackup}},
		{"an agent is down", status(30, 3600, false, "{}"), []string{names.PBMCheckAgents}},
		{"a restore is running", status(30, 3600, true, `{"type":"restore","name":"2026-12-03T09:00:01Z","status":"running"}`), []string{names.PBMCheckRestore}},
		{"no chunks, no backups, no agents", `{"cluster":[],"pitr":{"conf":false,"run":false},"running":{},"backups":{"type":"S3","snapshot":[]}}`,
			[]string{names.PBMCheckPITR, names.PBMCheckAgents, names.PBMCheckBackup}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(dir, "status.json")
			if err := os.WriteFile(f, []byte(tc.status), 0o644); err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, c := range spec.Containers {
				env := []string{"PATH=" + os.Getenv("PATH")}
				for _, e := range c.Env {
					v := e.Value
					if e.Name == "PBM_STATUS_FILE" {
						v = f
					}
					env = append(env, e.Name+"="+v)
				}
				cmd := exec.Command("sh", append([]string{script}, c.Command[2:]...)...)
				cmd.Env = env
				if out, err := cmd.CombinedOutput(); err != nil {
					failed = append(failed, c.Name)
					t.Logf("%s: %s", c.Name, out)
				}
			}
			if diff := cmp.Diff(tc.failed, failed); diff != "" {
				t.Errorf("failed checks (-want +got):\n%s", diff)
			}
		})
	}
}
