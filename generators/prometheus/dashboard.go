package prometheus

import (
	"fmt"
	"strings"
	"time"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/internal/prettyjson"
)

// Grafana dashboard model: structs only, so the JSON is deterministic.
type dashboard struct {
	Annotations   list[any]    `json:"annotations"`
	Description   string       `json:"description"`
	Editable      bool         `json:"editable"`
	GraphTooltip  int          `json:"graphTooltip"`
	Panels        []panel      `json:"panels"`
	Refresh       string       `json:"refresh"`
	SchemaVersion int          `json:"schemaVersion"`
	Tags          []string     `json:"tags"`
	Templating    list[tplVar] `json:"templating"`
	Time          timeRange    `json:"time"`
	Timezone      string       `json:"timezone"`
	Title         string       `json:"title"`
	UID           string       `json:"uid"`
	Version       int          `json:"version"`
}

type list[T any] struct {
	List []T `json:"list"`
}

type tplVar struct {
	Name       string `json:"name"`
	Label      string `json:"label"`
	Type       string `json:"type"`
	Query      string `json:"query"`
	Datasource *dsRef `json:"datasource,omitempty"`
	Definition string `json:"definition,omitempty"`
	// Refresh 2: on time range change (new members appear).
	Refresh    int    `json:"refresh,omitempty"`
	IncludeAll bool   `json:"includeAll,omitempty"`
	Multi      bool   `json:"multi,omitempty"`
	AllValue   string `json:"allValue,omitempty"`
	Sort       int    `json:"sort,omitempty"`
}

type timeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

type panel struct {
	ID          int         `json:"id"`
	Type        string      `json:"type"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	GridPos     gridPos     `json:"gridPos"`
	Datasource  dsRef       `json:"datasource"`
	Targets     []target    `json:"targets"`
	FieldConfig fieldConfig `json:"fieldConfig"`
}

type gridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

type dsRef struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type target struct {
	RefID        string `json:"refId"`
	Datasource   dsRef  `json:"datasource"`
	Expr         string `json:"expr"`
	LegendFormat string `json:"legendFormat"`
}

type fieldConfig struct {
	Defaults  fieldDefaults `json:"defaults"`
	Overrides []any         `json:"overrides"`
}

type fieldDefaults struct {
	Unit       string      `json:"unit"`
	Min        *float64    `json:"min,omitempty"`
	Thresholds *thresholds `json:"thresholds,omitempty"`
}

type thresholds struct {
	Mode  string   `json:"mode"`
	Steps []thStep `json:"steps"`
}

type thStep struct {
	Color string   `json:"color"`
	Value *float64 `json:"value"`
}

func ptr(f float64) *float64 { return &f }

// ladder is a threshold ladder: base colour, then colour at each value.
func ladder(base string, at ...any) *thresholds {
	th := &thresholds{Mode: "absolute", Steps: []thStep{{Color: base}}}
	for i := 0; i+1 < len(at); i += 2 {
		th.Steps = append(th.Steps, thStep{Color: at[i+1].(string), Value: ptr(at[i].(float64))})
	}
	return th
}

// panelSpec is one panel before layout.
type panelSpec struct {
	typ, title, description, unit string
	exprs                         [][2]string // expr, legend
	th                            *thresholds
	min                           *float64
}

var datasource = dsRef{Type: "prometheus", UID: "${datasource}"}

// dashboard renders grafana/mongodb-overview.json: the seed's panels on the
// series the rules record. Panel ids are their position in this list and
// stay stable: add new panels at the end.
func (g *gen) dashboard() ([]byte, error) {
	t := g.t
	var jobs []string
	for _, r := range t.Regions {
		jobs = append(jobs, names.FederationJob(r))
	}
	slo := g.sloSelector()
	rpo := t.SLO.RPO.Seconds()
	specs := []panelSpec{
		{typ: "timeseries", title: "Healthy members by region", unit: "short", min: ptr(0),
			description: "Members any exporter sees healthy, by the member's region (mongodb:member_health:max).",
			exprs:       [][2]string{{"sum by (member_region) (max by (rs_nm, member_idx, member_region) (" + recMemberHealth + "))", "{{member_region}}"}}},
		{typ: "stat", title: "Federation up", unit: "short",
			description: "The global Prometheus's federation job per region.",
			exprs:       [][2]string{{fmt.Sprintf(`up{job=~%q}`, strings.Join(jobs, "|")), "{{region}}"}},
			th:          ladder("red", 1.0, "green")},
		{typ: "stat", title: "Primary", unit: "short",
			description: fmt.Sprintf("The member every region sees as PRIMARY; normally in %s.", t.Preferred().Name),
			exprs:       [][2]string{{"max by (member_region, member_idx) (" + recPrimary + ")", "{{member_region}} {{member_idx}}"}}},
		{typ: "timeseries", title: "Replication lag by member", unit: "s", min: ptr(0),
			description: fmt.Sprintf("Primary optime minus each secondary's (mongodb:member_replication_lag:seconds). Warning at RPO/2, critical at the RPO (%s).", promDuration(t.SLO.RPO)),
			exprs:       [][2]string{{"max by (member_region, member_idx) (" + recMemberLag + ")", "{{member_region}} {{member_idx}}"}},
			th:          ladder("green", rpo/2, "orange", rpo, "red")},
		{typ: "timeseries", title: "Oplog window (estimate)", unit: "s", min: ptr(0),
			description: fmt.Sprintf("Configured oplog size / oplog fetch rate of the secondaries over 1h; alert below the backup interval (%s).", promDuration(t.Backup.Every)),
			exprs:       [][2]string{{"min by (rs_nm) (" + recOplogWindow + ")", "{{rs_nm}}"}},
			th:          ladder("red", t.Backup.Every.Seconds(), "green")},
		{typ: "timeseries", title: "Connection utilisation", unit: "percentunit", min: ptr(0),
			description: "current / (current + available) per mongod; alert above 80%.",
			exprs:       [][2]string{{"max by (region, instance) (" + recConnUtilization + ")", "{{region}} {{instance}}"}},
			th:          ladder("green", 0.8, "red")},
		{typ: "bargauge", title: "Data size by region", unit: "bytes",
			description: "mongodb_dbstats_dataSize summed over databases, the largest member copy per region.",
			exprs:       [][2]string{{"sum by (region) (" + recDataSize + ")", "{{region}}"}}},
		{typ: "timeseries", title: "Replication traffic fetched by region", unit: "Bps", min: ptr(0),
			description: "Oplog bytes the region's secondaries fetch from their sync source (serverStatus.metrics.repl.network.bytes): cross-region traffic for every region but the primary's.",
			exprs:       [][2]string{{"sum by (region) (" + recReplFetch + ")", "{{region}}"}}},
		{typ: "timeseries", title: "Network traffic by region", unit: "Bps", min: ptr(0),
			description: "mongod network bytes in and out (clients and replication).",
			exprs: [][2]string{
				{"sum by (region) (" + recNetIn + ")", "{{region}} in"},
				{"sum by (region) (" + recNetOut + ")", "{{region}} out"},
			}},
		{typ: "timeseries", title: "SLO error ratio (1h)", unit: "percentunit", min: ptr(0),
			description: fmt.Sprintf("Unavailable member share over 1h, per region and global; objective %s%%.", fmtFloat(t.SLO.Availability)),
			exprs:       [][2]string{{recErrorRatio(time.Hour) + slo, "{{scope}} {{region}}"}}},
		{typ: "timeseries", title: "SLO burn rate (5m)", unit: "short", min: ptr(0),
			description: "Error ratio over 5m divided by the error budget; the page threshold is the first factor.",
			exprs:       [][2]string{{recCurrentBurn + slo, "{{scope}} {{region}}"}},
			th:          ladder("green", pageLegs[1].factor(t.SLO.Period), "orange", pageLegs[0].factor(t.SLO.Period), "red")},
		{typ: "stat", title: fmt.Sprintf("Error budget remaining (%s)", promDuration(t.SLO.Period)), unit: "percentunit",
			description: "1 - error ratio over the SLO period / budget.",
			exprs:       [][2]string{{recBudgetRemaining + slo, "{{scope}} {{region}}"}},
			th:          ladder("red", 0.0, "orange", 0.25, "green")},
	}
	specs = append(specs, g.operatorPanels()...)
	d := dashboard{
		Annotations:   list[any]{List: []any{}},
		Description:   fmt.Sprintf("Replica set %s of topology %s across %d regions. Generated by topogen; do not edit.", t.ReplicaSet.Name, t.Name, len(t.Regions)),
		GraphTooltip:  1,
		Refresh:       "1m",
		SchemaVersion: 39,
		Tags:          []string{"mongodb", "topogen"},
		Templating:    list[tplVar]{List: g.templateVars()},
		Time:          timeRange{From: "now-6h", To: "now"},
		Timezone:      "utc",
		Title:         "MongoDB " + t.Name,
		UID:           dashboardUID(t.Name),
		Version:       1,
	}
	for i, s := range specs {
		p := panel{
			ID:          i + 1,
			Type:        s.typ,
			Title:       s.title,
			Description: s.description,
			GridPos:     gridPos{H: 8, W: 12, X: (i % 2) * 12, Y: (i / 2) * 8},
			Datasource:  datasource,
			FieldConfig: fieldConfig{Defaults: fieldDefaults{Unit: s.unit, Min: s.min, Thresholds: s.th}, Overrides: []any{}},
		}
		for j, e := range s.exprs {
			p.Targets = append(p.Targets, target{RefID: string(rune('A' + j)), Datasource: datasource, Expr: e[0], LegendFormat: e[1]})
		}
		d.Panels = append(d.Panels, p)
	}
	if err := checkDashboard(d); err != nil {
		return nil, err
	}
	return prettyjson.Marshal(d)
}

// dashboardUID is stable per topology and within Grafana's 40 characters.
func dashboardUID(name string) string {
	uid := "topogen-mongodb-" + name
	if len(uid) > 40 {
		uid = uid[:40]
	}
	return uid
}
