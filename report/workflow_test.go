package report

import (
	"os"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestWorkflow: .github/workflows/topogen.yml is valid YAML, runs on pull
// requests, uses no action but checkout and setup-go, and runs only project
// commands (make, ./topogen) plus gh to post the comment.
func TestWorkflow(t *testing.T) {
	b, err := os.ReadFile("../.github/workflows/topogen.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		// YAML 1.1 reads the key "on" as the boolean true; accept both
		// spellings so the test checks the trigger whatever the parser.
		On          map[string]any `json:"on"`
		True        map[string]any `json:"true"`
		Permissions map[string]string
		Jobs        map[string]struct {
			Steps []struct {
				Name string            `json:"name"`
				Uses string            `json:"uses"`
				Run  string            `json:"run"`
				With map[string]string `json:"with"`
				Env  map[string]string `json:"env"`
				If   string            `json:"if"`
			} `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatalf("topogen.yml: %v", err)
	}
	on := wf.On
	if on == nil {
		on = wf.True
	}
	if _, ok := on["pull_request"]; !ok {
		t.Errorf("not triggered on pull_request: %v", on)
	}
	if wf.Permissions["pull-requests"] != "write" {
		t.Errorf("permissions %v: posting the comment needs pull-requests: write", wf.Permissions)
	}
	allowedActions := []string{"actions/checkout@", "actions/setup-go@"}
	allowedCommands := map[string]bool{"make": true, "./topogen": true, "gh": true, "test": true, "status=0": true}
	var runs []string
	for name, job := range wf.Jobs {
		for _, s := range job.Steps {
			if s.Uses != "" && !hasAnyPrefix(s.Uses, allowedActions) {
				t.Errorf("job %s: step %q uses %s", name, s.Name, s.Uses)
			}
			for _, line := range strings.Split(s.Run, "\n") {
				line = strings.TrimSpace(line)
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				runs = append(runs, line)
				for _, cmd := range strings.Split(line, "||") {
					fields := strings.Fields(cmd)
					if len(fields) == 0 || !allowedCommands[fields[0]] && !strings.HasPrefix(fields[0], "status=$?") {
						t.Errorf("job %s: step %q runs %q", name, s.Name, cmd)
					}
				}
			}
		}
	}
	all := strings.Join(runs, "\n")
	for _, want := range []string{"make build", "./topogen check", "make validate", "--format markdown", "gh pr comment"} {
		if !strings.Contains(all, want) {
			t.Errorf("no step runs %q", want)
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
