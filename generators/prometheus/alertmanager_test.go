package prometheus

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/topogen/topogen/internal/testtopo"
)

// alertNames are the alerts the rule files of a rendered tree define.
func alertNames(t *testing.T, m map[string][]byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, p := range ruleFilePaths(m) {
		for _, g := range parseRules(t, p, m[p]).Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out[r.Alert] = true
				}
			}
		}
	}
	return out
}

// Every alert name the routing and inhibition refer to is one the rules
// define (a renamed alert would silently escape its inhibition).
func TestAlertmanagerNamesAlerts(t *testing.T) {
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			topo := load(t, c.Dir)
			defined := alertNames(t, fileMap(renderTopo(t, topo)))
			tr := newGen(topo).amTree()
			var ms []amMatcher
			for _, in := range tr.inhibit {
				ms = append(append(ms, in.source...), in.target...)
			}
			var walk func(r amRoute)
			walk = func(r amRoute) {
				ms = append(ms, r.matchers...)
				for _, c := range r.routes {
					walk(c)
				}
			}
			walk(tr.root)
			for _, m := range ms {
				if m.name != "alertname" {
					continue
				}
				for _, n := range strings.Split(m.value, "|") {
					// One region: no cross-region ping alert.
					if n == "MongoDBMemberPingHigh" && len(newGen(topo).pingPairs()) == 0 {
						continue
					}
					if !defined[n] {
						t.Errorf("matcher %s names %q, which no rule defines", m, n)
					}
				}
			}
		})
	}
}

// The AlertmanagerConfig CRD keeps child routes as free-form objects
// (x-kubernetes-preserve-unknown-fields), so kubectl-validate cannot check
// them: decode the whole object strictly into the route schema instead.
func TestAlertmanagerConfigStrict(t *testing.T) {
	m := fileMap(renderTopo(t, load(t, "../../regions")))
	data := m[AlertmanagerConfigPath]
	var obj amcObject
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&obj); err != nil {
		t.Fatal(err)
	}
	var leaves int
	var walk func(r amcRoute, depth int)
	walk = func(r amcRoute, depth int) {
		if depth > 0 && r.Receiver == "" {
			t.Errorf("child route %+v has no receiver", r.Matchers)
		}
		for _, mt := range r.Matchers {
			switch mt.MatchType {
			case "=", "!=", "=~", "!~":
			default:
				t.Errorf("matcher %+v: matchType not one the CRD allows", mt)
			}
		}
		if len(r.Routes) == 0 {
			leaves++
		}
		for _, c := range r.Routes {
			walk(c, depth+1)
		}
	}
	walk(obj.Spec.Route, 0)
	// Default topology: heartbeat, info, and two routes per region for
	// critical and warning (3 regions).
	if want := 2 + 2*2*3; leaves != want {
		t.Errorf("leaf routes = %d, want %d", leaves, want)
	}
	receivers := map[string]bool{}
	for _, r := range obj.Spec.Receivers {
		receivers[r.Name] = true
	}
	var check func(r amcRoute)
	check = func(r amcRoute) {
		if r.Receiver != "" && !receivers[r.Receiver] {
			t.Errorf("route to undefined receiver %q", r.Receiver)
		}
		for _, c := range r.Routes {
			check(c)
		}
	}
	check(obj.Spec.Route)
}

// No credential in either file: keys come from the mounted Secret (plain)
// or a Secret reference (CRD).
func TestAlertmanagerNoSecrets(t *testing.T) {
	m := fileMap(renderTopo(t, load(t, "../../regions")))
	inline := regexp.MustCompile(`(?m)^\s*-?\s*(api_key|routing_key|service_key|password|credentials|bearer_token|api_url):`)
	if loc := inline.Find(m[AlertmanagerPath]); loc != nil {
		t.Errorf("alertmanager.yml holds an inline credential: %s", loc)
	}
	for _, want := range []string{"api_key_file: /etc/alertmanager/secrets/alertmanager-mongodb/opsgenie-api-key", "credentials_file: "} {
		if !bytes.Contains(m[AlertmanagerPath], []byte(want)) {
			t.Errorf("alertmanager.yml lacks %q", want)
		}
	}
	var obj amcObject
	if err := yaml.Unmarshal(m[AlertmanagerConfigPath], &obj); err != nil {
		t.Fatal(err)
	}
	for _, r := range obj.Spec.Receivers {
		for _, o := range r.OpsgenieConfigs {
			if o.APIKey.Name == "" || o.APIKey.Key == "" {
				t.Errorf("receiver %s: apiKey is not a Secret reference", r.Name)
			}
		}
	}
}
