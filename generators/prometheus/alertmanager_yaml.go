package prometheus

import (
	"fmt"
	"strings"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/names"
)

// alertmanager.yml: the route tree and inhibitions in Alertmanager's own
// configuration format.

type amFile struct {
	Route        amPlainRoute     `yaml:"route"`
	InhibitRules []amPlainInhibit `yaml:"inhibit_rules"`
	Receivers    []amPlainRcv     `yaml:"receivers"`
}

type amPlainRoute struct {
	Receiver       string         `yaml:"receiver,omitempty"`
	GroupBy        []string       `yaml:"group_by,omitempty"`
	Matchers       []string       `yaml:"matchers,omitempty"`
	GroupWait      string         `yaml:"group_wait,omitempty"`
	GroupInterval  string         `yaml:"group_interval,omitempty"`
	RepeatInterval string         `yaml:"repeat_interval,omitempty"`
	Routes         []amPlainRoute `yaml:"routes,omitempty"`
}

type amPlainInhibit struct {
	SourceMatchers []string `yaml:"source_matchers"`
	TargetMatchers []string `yaml:"target_matchers"`
	Equal          []string `yaml:"equal,omitempty"`
}

type amPlainRcv struct {
	Name            string            `yaml:"name"`
	OpsgenieConfigs []amPlainOpsgenie `yaml:"opsgenie_configs,omitempty"`
	WebhookConfigs  []amPlainWebhook  `yaml:"webhook_configs,omitempty"`
}

type amPlainOpsgenie struct {
	APIKeyFile   string `yaml:"api_key_file"`
	Priority     string `yaml:"priority"`
	Tags         string `yaml:"tags"`
	SendResolved bool   `yaml:"send_resolved"`
}

type amPlainWebhook struct {
	URL          string          `yaml:"url"`
	SendResolved bool            `yaml:"send_resolved"`
	HTTPConfig   amPlainHTTPAuth `yaml:"http_config"`
}

type amPlainHTTPAuth struct {
	Authorization struct {
		Type            string `yaml:"type"`
		CredentialsFile string `yaml:"credentials_file"`
	} `yaml:"authorization"`
}

func strs(ms []amMatcher) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.String())
	}
	return out
}

func (r amRoute) plain() amPlainRoute {
	p := amPlainRoute{
		Receiver: r.receiver, GroupBy: r.groupBy, Matchers: strs(r.matchers),
		GroupWait: amDur(r.groupWait), GroupInterval: amDur(r.groupInterval), RepeatInterval: amDur(r.repeat),
	}
	for _, c := range r.routes {
		p.Routes = append(p.Routes, c.plain())
	}
	return p
}

// heartbeatURL is the Opsgenie Heartbeat API's ping endpoint for the
// topology's heartbeat (create a heartbeat named <topology>-mongodb-watchdog
// in Opsgenie); it authenticates with "GenieKey <api key>".
func (g *gen) heartbeatURL() string {
	return "https://api.opsgenie.com/v2/heartbeats/" + g.t.Name + "-mongodb-watchdog/ping"
}

func (g *gen) alertmanagerYAML(tr amTree) ([]byte, error) {
	keyFile := names.AlertmanagerSecretsDir + "/" + names.AlertmanagerSecret + "/" + names.AlertmanagerOpsgenieKey
	f := amFile{Route: tr.root.plain()}
	for _, in := range tr.inhibit {
		f.InhibitRules = append(f.InhibitRules, amPlainInhibit{SourceMatchers: strs(in.source), TargetMatchers: strs(in.target), Equal: in.equal})
	}
	for _, r := range tr.receivers {
		pr := amPlainRcv{Name: r.name}
		if r.heartbeat {
			w := amPlainWebhook{URL: g.heartbeatURL()}
			w.HTTPConfig.Authorization.Type = "GenieKey"
			w.HTTPConfig.Authorization.CredentialsFile = keyFile
			pr.WebhookConfigs = []amPlainWebhook{w}
		} else {
			pr.OpsgenieConfigs = []amPlainOpsgenie{{APIKeyFile: keyFile, Priority: r.priority, Tags: strings.Join(r.tags, ","), SendResolved: true}}
		}
		f.Receivers = append(f.Receivers, pr)
	}
	return marshalYAML(comment(
		generators.Notice,
		"Alertmanager configuration for the global Prometheus's alerts (amtool check-config).",
		"Routes by severity (critical pages P1, warning tickets P3, info P5), then by region",
		"(label region or member_region); the Watchdog pings an Opsgenie heartbeat.",
		"The Opsgenie API key is read from "+keyFile+":",
		"the Secret "+names.AlertmanagerSecret+" (key "+names.AlertmanagerOpsgenieKey+") listed in the Alertmanager CR's spec.secrets.",
		"Inhibition rules:",
		inhibitDoc(tr),
	), f)
}

func inhibitDoc(tr amTree) string {
	var b strings.Builder
	for i, in := range tr.inhibit {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "  %d. %s", i+1, in.why)
	}
	return b.String()
}

// ---- AlertmanagerConfig (monitoring.coreos.com/v1alpha1) ----
