package prometheus

import (
	"strings"

	"github.com/topogen/topogen/generators/names"
)

// The same tree as prometheus-operator's AlertmanagerConfig
// (monitoring.coreos.com/v1alpha1).

type amcObject struct {
	APIVersion string     `yaml:"apiVersion"`
	Kind       string     `yaml:"kind"`
	Metadata   objectMeta `yaml:"metadata"`
	Spec       amcSpec    `yaml:"spec"`
}

type amcSpec struct {
	Route        amcRoute     `yaml:"route"`
	InhibitRules []amcInhibit `yaml:"inhibitRules"`
	Receivers    []amcRcv     `yaml:"receivers"`
}

type amcRoute struct {
	Receiver       string       `yaml:"receiver,omitempty" json:"receiver,omitempty"`
	GroupBy        []string     `yaml:"groupBy,omitempty" json:"groupBy,omitempty"`
	Matchers       []amcMatcher `yaml:"matchers,omitempty" json:"matchers,omitempty"`
	GroupWait      string       `yaml:"groupWait,omitempty" json:"groupWait,omitempty"`
	GroupInterval  string       `yaml:"groupInterval,omitempty" json:"groupInterval,omitempty"`
	RepeatInterval string       `yaml:"repeatInterval,omitempty" json:"repeatInterval,omitempty"`
	Routes         []amcRoute   `yaml:"routes,omitempty" json:"routes,omitempty"`
}

type amcMatcher struct {
	Name      string `yaml:"name" json:"name"`
	MatchType string `yaml:"matchType" json:"matchType"`
	Value     string `yaml:"value" json:"value"`
}

type amcInhibit struct {
	SourceMatch []amcMatcher `yaml:"sourceMatch"`
	TargetMatch []amcMatcher `yaml:"targetMatch"`
	Equal       []string     `yaml:"equal,omitempty"`
}

type secretKeyRef struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

type amcRcv struct {
	Name            string        `yaml:"name"`
	OpsgenieConfigs []amcOpsgenie `yaml:"opsgenieConfigs,omitempty"`
	WebhookConfigs  []amcWebhook  `yaml:"webhookConfigs,omitempty"`
}

type amcOpsgenie struct {
	APIKey       secretKeyRef `yaml:"apiKey"`
	Priority     string       `yaml:"priority"`
	Tags         string       `yaml:"tags"`
	SendResolved bool         `yaml:"sendResolved"`
}

type amcWebhook struct {
	URL          string `yaml:"url"`
	SendResolved bool   `yaml:"sendResolved"`
	HTTPConfig   struct {
		Authorization struct {
			Type        string       `yaml:"type"`
			Credentials secretKeyRef `yaml:"credentials"`
		} `yaml:"authorization"`
	} `yaml:"httpConfig"`
}

func amcMatchers(ms []amMatcher) []amcMatcher {
	var out []amcMatcher
	for _, m := range ms {
		out = append(out, amcMatcher{Name: m.name, MatchType: m.op, Value: m.value})
	}
	return out
}

func (r amRoute) crd() amcRoute {
	c := amcRoute{
		Receiver: r.receiver, GroupBy: r.groupBy, Matchers: amcMatchers(r.matchers),
		GroupWait: amDur(r.groupWait), GroupInterval: amDur(r.groupInterval), RepeatInterval: amDur(r.repeat),
	}
	for _, ch := range r.routes {
		c.Routes = append(c.Routes, ch.crd())
	}
	return c
}

func (g *gen) alertmanagerConfig(tr amTree) ([]byte, error) {
	key := secretKeyRef{Name: names.AlertmanagerSecret, Key: names.AlertmanagerOpsgenieKey}
	obj := amcObject{
		APIVersion: "monitoring.coreos.com/v1alpha1",
		Kind:       "AlertmanagerConfig",
		Metadata: objectMeta{
			Name:      AlertmanagerConfigName,
			Namespace: g.t.Kubernetes.Namespace,
			Labels: map[string]string{
				names.LabelName:      names.AppName,
				names.LabelComponent: "alerting",
				names.LabelManagedBy: names.ManagedBy,
			},
		},
		Spec: amcSpec{Route: tr.root.crd()},
	}
	for k, v := range g.t.Monitoring.SelectorLabels {
		obj.Metadata.Labels[k] = v
	}
	for _, in := range tr.inhibit {
		obj.Spec.InhibitRules = append(obj.Spec.InhibitRules, amcInhibit{SourceMatch: amcMatchers(in.source), TargetMatch: amcMatchers(in.target), Equal: in.equal})
	}
	for _, r := range tr.receivers {
		c := amcRcv{Name: r.name}
		if r.heartbeat {
			var w amcWebhook
			w.URL = g.heartbeatURL()
			w.HTTPConfig.Authorization.Type = "GenieKey"
			w.HTTPConfig.Authorization.Credentials = key
			c.WebhookConfigs = []amcWebhook{w}
		} else {
			c.OpsgenieConfigs = []amcOpsgenie{{APIKey: key, Priority: r.priority, Tags: strings.Join(r.tags, ","), SendResolved: true}}
		}
		obj.Spec.Receivers = append(obj.Spec.Receivers, c)
	}
	return marshalYAML(header+comment(
		"The Alertmanager routing of alertmanager.yml as a prometheus-operator AlertmanagerConfig, for",
		"the cluster running the global Alertmanager: apply it in namespace "+g.t.Kubernetes.Namespace+" with the",
		"Secret "+names.AlertmanagerSecret+" (key "+names.AlertmanagerOpsgenieKey+"), and let the Alertmanager CR's",
		"alertmanagerConfigSelector match its labels. Every alert carries namespace="+g.t.Kubernetes.Namespace+",",
		"which the operator's default OnNamespace matcher requires.",
	), obj)
}
