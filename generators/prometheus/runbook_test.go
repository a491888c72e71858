package prometheus

import (
	"strings"
	"testing"

	"github.com/topogen/topogen/internal/testtopo"
)

// Every alert of every case has a RUNBOOK.md section, and its runbook_url
// points at that section's anchor.
func TestRunbookCoversEveryAlert(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			m := fileMap(renderTopo(t, topo))
			doc := string(m[RunbookPath])
			headings := map[string]bool{}
			for _, l := range strings.Split(doc, "\n") {
				if h, ok := strings.CutPrefix(l, "## "); ok {
					headings[h] = true
				}
			}
			n := 0
			for _, p := range ruleFilePaths(m) {
				for _, g := range parseRules(t, p, m[p]).Groups {
					for _, r := range g.Rules {
						if r.Alert == "" {
							continue
						}
						n++
						if !headings[r.Alert] {
							t.Errorf("alert %s has no section in %s", r.Alert, RunbookPath)
						}
						base, frag, ok := strings.Cut(r.Annotations["runbook_url"], "#")
						if !ok || base != strings.TrimSuffix(topo.Monitoring.RunbookBaseURL, "/") || frag != strings.ToLower(r.Alert) {
							t.Errorf("alert %s: runbook_url %q does not point at its section", r.Alert, r.Annotations["runbook_url"])
						}
					}
				}
			}
			if n == 0 {
				t.Fatal("no alerts")
			}
		})
	}
}

// A new alert without an entry fails gen (an internal error), not later.
func TestRunbookMissingEntryFails(t *testing.T) {
	g := newGen(load(t, "../../regions"))
	_, err := g.runbookDoc([]ruleGroup{{Name: "x", Rules: []rule{{Alert: "MongoDBSomethingNew", Expr: "vector(1)"}}}})
	if err == nil || !strings.Contains(err.Error(), "MongoDBSomethingNew has no runbook entry") {
		t.Fatalf("err = %v", err)
	}
}
