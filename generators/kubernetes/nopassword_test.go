package kubernetes

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestNoPasswordOnCommandLines: no container's command or args carries a
// password (/proc/<pid>/cmdline is world-readable): no --password flag, and
// no expansion of an environment variable that holds a Secret's password.
func TestNoPasswordOnCommandLines(t *testing.T) {
	for name, dir := range cases {
		files := generate(t, load(t, dir))
		for _, f := range files {
			if !strings.HasSuffix(f.Path, ".yaml") {
				continue
			}
			var doc any
			if err := yaml.Unmarshal(f.Data, &doc); err != nil {
				t.Fatalf("%s: %v", f.Path, err)
			}
			walkContainers(doc, func(c map[string]any) {
				secretVars := []string{}
				env, _ := c["env"].([]any)
				for _, e := range env {
					em, _ := e.(map[string]any)
					ref, _ := em["valueFrom"].(map[string]any)
					sk, _ := ref["secretKeyRef"].(map[string]any)
					if sk["key"] == keyPassword {
						secretVars = append(secretVars, em["name"].(string))
					}
				}
				var line []string
				for _, k := range []string{"command", "args"} {
					vs, _ := c[k].([]any)
					for _, v := range vs {
						line = append(line, v.(string))
					}
				}
				cmd := strings.Join(line, " ")
				if strings.Contains(cmd, "--password") || strings.Contains(cmd, "-p ") {
					t.Errorf("%s: %s: container %v passes a password flag", name, f.Path, c["name"])
				}
				for _, v := range secretVars {
					if strings.Contains(cmd, "$"+v) || strings.Contains(cmd, "${"+v+"}") || strings.Contains(cmd, "$("+v+")") {
						t.Errorf("%s: %s: container %v expands the password variable %s on its command line", name, f.Path, c["name"], v)
					}
				}
			})
		}
	}
}

func walkContainers(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if k == "containers" || k == "initContainers" {
				if cs, ok := child.([]any); ok {
					for _, c := range cs {
						if cm, ok := c.(map[string]any); ok {
							fn(cm)
						}
					}
				}
			}
			walkContainers(child, fn)
		}
	case []any:
		for _, child := range x {
			walkContainers(child, fn)
		}
	}
}
