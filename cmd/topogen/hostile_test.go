package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// hostile is one bad input: files written over a copy of the default
// topology (a name under patches/ is a patch; "" content removes the
// file), and a fragment the diagnostics must hold (the field).
type hostile struct {
	name  string
	files map[string]string
	want  string
}

// errorLine is what every line gen prints for bad input looks like:
// file:line:col, then the message, and a fix after "; ".
var errorLine = regexp.MustCompile(`^[^\s:][^:]*:\d+:\d+: .+; .+$`)

// hostileInputs builds the corpus from the default topology.
func hostileInputs(t *testing.T) []hostile {
	read := func(n string) string {
		b, err := os.ReadFile(filepath.Join("../../regions", n))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var cases []hostile
	sub := func(name, file, old, new, want string) {
		src := read(file)
		if !strings.Contains(src, old) {
			t.Fatalf("%s: %s has no %q", name, file, old)
		}
		cases = append(cases, hostile{name, map[string]string{file: strings.Replace(src, old, new, 1)}, want})
	}
	extra := func(name, src, want string) {
		cases = append(cases, hostile{name, map[string]string{"extra.cue": "package regions\n\n" + src + "\n"}, want})
	}
	// Region fields, in two regions.
	for _, r := range []struct{ name, cidr, prio string }{{"eu", `"10.1.0.0/16"`, "priority: 6"}, {"us", `"10.0.0.0/16"`, "priority: 7"}} {
		f := r.name + ".cue"
		p := "regions." + r.name + "."
		for i, v := range []string{`"10.0.0.0/8"`, `"x"`, `"10.1.0.1/16"`, `"fd00::/64"`, `"172.20.0.0/16"`, `"10.100.0.0/16"`, `"10.1.0.0/24"`, `1`, `"10.2.0.0/33"`} {
			sub(fmt.Sprintf("%s-cidr-%d", r.name, i), f, r.cidr, v, p+"cidr")
		}
		for i, v := range []string{"priority: -1", "priority: 1001", `priority: "6"`, "priority: 6.5"} {
			sub(fmt.Sprintf("%s-priority-%d", r.name, i), f, r.prio, v, p+"priority")
		}
		for i, v := range []string{"members:  0", "members:  51", "members:  -1", "members:  1.5", `members:  "3"`} {
			sub(fmt.Sprintf("%s-members-%d", r.name, i), f, "members:  3", v, p+"members")
		}
		for i, v := range []string{`cpu:          "x"`, `cpu:          "-1"`, `cpu:          "16"`} {
			sub(fmt.Sprintf("%s-cpu-%d", r.name, i), f, `cpu:          "14"`, v, p+"sizing.cpu")
		}
		for i, v := range []string{`memory:       "x"`, `memory:       "99999999999999999999Pi"`, `memory:       "-1Gi"`, `memory:       "64Gi"`, `memory:       "1Gi"`} {
			sub(fmt.Sprintf("%s-memory-%d", r.name, i), f, `memory:       "48Gi"`, v, p+"sizing.memory")
		}
		for i, v := range []string{`memoryLimit:  "1Gi"`, `memoryLimit:  "64Gi"`, `memoryLimit:  "99999999999999999999Pi"`} {
			sub(fmt.Sprintf("%s-memorylimit-%d", r.name, i), f, `memory:       "48Gi"`, `memory:       "48Gi"`+"\n\t\t"+v, p+"sizing.memoryLimit")
		}
		sub(r.name+"-cpulimit", f, `cpu:          "14"`, `cpu:          "14"`+"\n\t\t"+`cpuLimit:     "16"`, p+"sizing.cpuLimit")
		sub(r.name+"-instancetype", f, `"m6i.4xlarge"`, `"x9.huge"`, p+"sizing.instanceType")
		for i, v := range []string{`"0"`, `"-1Gi"`, `"100Mi"`, `"x"`, `"99999999999999999999Pi"`, `0`} {
			sub(fmt.Sprintf("%s-storage-%d", r.name, i), f, `"1Ti"`, v, p+"sizing.storageSize")
		}
		for i, v := range []string{"id:          -1", "id:          100", `id:          "x"`} {
			sub(fmt.Sprintf("%s-id-%d", r.name, i), f, "id:          "+map[string]string{"eu": "1", "us": "0"}[r.name], v, p+"id")
		}
		sub(r.name+"-unknown-field", f, "members:  3", "members:  3\n\tmemebers: 3", p+"memebers")
	}
	sub("eu-zone-other-region", "eu.cue", `"eu-west-1a", "eu-west-1b", "eu-west-1c"`, `"us-east-1a", "eu-west-1b", "eu-west-1c"`, "regions.eu.zones")
	sub("eu-cloudregion-dup", "eu.cue", `cloudRegion: "eu-west-1"`, `cloudRegion: "us-east-1"`, "regions.eu.")
	sub("eu-cidr-overlap", "eu.cue", `"10.1.0.0/16"`, `"10.0.128.0/17"`, "regions.us.cidr")
	sub("eu-id-dup", "eu.cue", "id:          1", "id:          0", "regions.us.id")
	// Region names.
	for i, n := range []string{"global", "all", "EU", "a_b", "1eu", strings.Repeat("e", 64)} {
		sub(fmt.Sprintf("region-name-%d", i), "apac.cue", "regions: apac:", "regions: "+quoteIfNeeded(n)+":", "regions.")
	}
	// Global fields.
	extra("port-exporter", "mongodb: port: 9216", "mongodb.port")
	extra("client-cidr-bad", `kubernetes: clientCIDRs: ["x"]`, "kubernetes.clientCIDRs[0]")
	extra("client-cidr-host-bits", `kubernetes: clientCIDRs: ["192.168.1.1/16"]`, "kubernetes.clientCIDRs[0]")
	extra("port-low", "mongodb: port: 80", "mongodb.port")
	extra("port-high", "mongodb: port: 70000", "mongodb.port")
	extra("port-string", `mongodb: port: "27017"`, "mongodb.port")
	extra("oplog-small", "mongodb: oplogSizeMB: 10", "mongodb.oplogSizeMB")
	extra("repo-token-user", `delivery: repoURL: "https://ghp_secret@github.com/o/r"`, "delivery.repoURL")
	extra("repo-token-pass", `delivery: repoURL: "https://x-access-token:ghp_secret@github.com/o/r"`, "delivery.repoURL")
	extra("repo-ssh-pass", `delivery: repoURL: "ssh://git:pw@github.com/o/r"`, "delivery.repoURL")
	extra("runbook-creds", `monitoring: runbookBaseURL: "https://u:p@wiki.example.com/runbooks"`, "monitoring.runbookBaseURL")
	extra("selector-bad-key", `monitoring: selectorLabels: "bad key!": "x"`, "monitoring.selectorLabels")
	extra("selector-own-key", `monitoring: selectorLabels: "app.kubernetes.io/name": "x"`, "monitoring.selectorLabels")
	extra("slo-availability-high", "slo: availability: 101", "slo.availability")
	extra("slo-rpo-unit", `slo: rpo: "5x"`, "slo.rpo")
	extra("backup-retention", "backup: retentionDays: -1", "backup.retentionDays")
	extra("unknown-top-field", "colour: 1", "colour")
	extra("conflict-priority", "regions: eu: priority: 5", "regions.eu.priority")
	extra("rs-name-empty", `replicaSet: name: ""`, "replicaSet.name")
	extra("acknowledge-short", `analysis: acknowledge: eu: reason: "ok"`, "analysis.acknowledge.eu.reason")
	// Files.
	cases = append(cases,
		hostile{"file-no-package", map[string]string{"extra.cue": "regions: eu: priority: 5\n"}, "extra.cue:1:1"},
		hostile{"file-other-package", map[string]string{"extra.cue": "package other\n"}, "extra.cue:1:9"},
		hostile{"file-nul", map[string]string{"extra.cue": "package regions\nx: \x00\n"}, "extra.cue:2:4"},
		hostile{"file-utf8", map[string]string{"extra.cue": "package regions\nx: \"\xff\"\n"}, "extra.cue:2:5"},
		hostile{"file-syntax", map[string]string{"extra.cue": "package regions\n{{{\n"}, "extra.cue:"},
		hostile{"file-import", map[string]string{"extra.cue": "package regions\nimport \"example.com/nope\"\n"}, "extra.cue:2:8"},
	)
	// Patches.
	patch := func(name, file, src, want string) {
		cases = append(cases, hostile{name, map[string]string{filepath.Join("patches", file): src}, want})
	}
	patch("patch-alias", "us/p.yaml", "kind: ConfigMap\nmetadata: {name: x}\na: &a [1]\nb: *a\n", "patches/us/p.yaml:3:4")
	patch("patch-nul", "us/p.yaml", "kind: A\x00\n", "patches/us/p.yaml:1:8")
	patch("patch-list", "us/p.yaml", "- a\n", "patches/us/p.yaml:1:1")
	patch("patch-no-name", "us/p.yaml", "kind: StatefulSet\nspec: {}\n", "patches/us/p.yaml:1:1")
	patch("patch-syntax", "us/p.yaml", "kind: A\n  b: c: d\n", "patches/us/p.yaml:2:1")
	patch("patch-no-target", "us/p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nothing-like-it}\n", "patches/us/p.yaml")
	patch("patch-unknown-region", "mars/p.yaml", "kind: A\nmetadata: {name: x}\n", "patches/mars")
	patch("patch-empty", "us/p.yaml", "---\n", "patches/us/p.yaml")
	return cases
}

func quoteIfNeeded(n string) string {
	if regexp.MustCompile(`^[a-z][a-z0-9]*$`).MatchString(n) {
		return n
	}
	return `"` + n + `"`
}

// TestHostileInputs runs gen on every hostile input over a generated
// out/: each must exit 2 with every line "file:line:col: ...; fix", name
// its field, print no stack trace, and leave out/ byte-identical.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs gen over 100 inputs")
	}
	work := t.TempDir()
	base := filepath.Join(work, "regions")
	if err := copyDir("../../regions", base, ".cue"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(work, "out")
	var so, se bytes.Buffer
	if code := run([]string{"gen", "-t", base, "-o", out}, &so, &se); code != 0 {
		t.Fatalf("gen: %d %s", code, se.String())
	}
	before, stamp := treeHash(t, out), stampTree(t, out)
	cases := hostileInputs(t)
	if len(cases) < 100 {
		t.Errorf("%d hostile inputs, want at least 100", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(work, "t-"+c.name)
			if err := copyDir(base, dir, ".cue"); err != nil {
				t.Fatal(err)
			}
			for n, src := range c.files {
				p := filepath.Join(dir, n)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			code := run([]string{"gen", "-t", dir, "-o", out}, &stdout, &stderr)
			msg := stderr.String()
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s", code, msg)
			}
			if strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic") || strings.Contains(msg, "internal error") {
				t.Fatalf("stack trace or internal error:\n%s", msg)
			}
			for _, line := range strings.Split(strings.TrimSpace(msg), "\n") {
				if strings.HasPrefix(line, "warning: ") {
					continue
				}
				if !errorLine.MatchString(line) {
					t.Errorf("not file:line:col: message; fix:\n%s", line)
				}
			}
			if !strings.Contains(msg, c.want) {
				t.Errorf("diagnostics do not name %q:\n%s", c.want, msg)
			}
			// Not a file or directory of out/ was written, created,
			// removed or replaced; the bytes are compared at the end.
			if p := stampTree(t, out).changed(stamp); p != "" {
				t.Fatalf("out/ changed: %s", p)
			}
		})
	}
	if h := treeHash(t, out); h != before {
		t.Fatal("out/ changed")
	}
}

// treeStamp is every entry of a tree (out/ included, as "."), as lstat
// sees it.
type treeStamp map[string]fs.FileInfo

// stampTree lists dir's entries without reading a file: what a hostile
// case must leave as it was, checked after each (a quarter of the cost of
// reading every file).
func stampTree(t *testing.T, dir string) treeStamp {
	t.Helper()
	s := treeStamp{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		s[rel] = info
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// changed names an entry that differs from before's: added, removed, or
// not the same file (inode), size, mode or modification time. Writing a
// file sets its modification time, and creating, removing or renaming an
// entry sets its directory's; a write that topogen could do without
// changing any of these would be one in the same clock tick as the gen
// that wrote out/, before the case started. "" when none differs.
func (s treeStamp) changed(before treeStamp) string {
	for _, p := range slices.Sorted(maps.Keys(s)) {
		a, b := s[p], before[p]
		switch {
		case b == nil:
			return p + " added"
		case !os.SameFile(a, b), a.Size() != b.Size(), a.Mode() != b.Mode(), !a.ModTime().Equal(b.ModTime()):
			return p + " changed"
		}
	}
	for p := range before {
		if s[p] == nil {
			return p + " removed"
		}
	}
	return ""
}
