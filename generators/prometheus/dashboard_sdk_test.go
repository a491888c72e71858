package prometheus

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	grafana "github.com/grafana/grafana-foundation-sdk/go/dashboard"
	promds "github.com/grafana/grafana-foundation-sdk/go/prometheus"

	"github.com/topogen/topogen/internal/testtopo"
)

// The dashboard loads into Grafana's own dashboard model (the Grafana
// Foundation SDK's schema-generated types, strict decoding: unknown fields,
// wrong types and missing required fields are errors), and survives the
// round trip: what the SDK writes back decodes to the same panels, queries
// and variables.
func TestDashboardGrafanaSDKRoundTrip(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	for _, c := range testtopo.Cases(t) {
		t.Run(c.Name, func(t *testing.T) {
			data := fileMap(renderTopo(t, load(t, c.Dir)))[DashboardPath]
			var d grafana.Dashboard
			if err := sdkErr(d.UnmarshalJSONStrict(data)); err != nil {
				t.Fatalf("strict decode into the Grafana dashboard schema: %v", err)
			}
			// v0.0.22's PanelOrRowPanel takes the empty error of a
			// successful Panel decode for a failure and keeps no panel
			// (sdkErr): decode each panel strictly on its own.
			var raw struct {
				Panels []struct {
					Targets []json.RawMessage
				}
			}
			var rawPanels struct{ Panels []json.RawMessage }
			if err := json.Unmarshal(data, &rawPanels); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &raw); err != nil {
				t.Fatal(err)
			}
			d.Panels = nil
			for i, rp := range rawPanels.Panels {
				p := &grafana.Panel{}
				if err := sdkErr(p.UnmarshalJSONStrict(rp)); err != nil {
					t.Fatalf("panel %d: strict decode into the Grafana panel schema: %v", i, err)
				}
				// Each query strictly into the Prometheus datasource's
				// query schema.
				p.Targets = nil
				for j, rt := range raw.Panels[i].Targets {
					q := &promds.Dataquery{}
					if err := sdkErr(q.UnmarshalJSONStrict(rt)); err != nil {
						t.Fatalf("panel %d target %d: strict decode into the Prometheus query schema: %v", i, j, err)
					}
					p.Targets = append(p.Targets, variants.Dataquery(q))
				}
				d.Panels = append(d.Panels, grafana.PanelOrRowPanel{Panel: p})
			}
			out, err := json.Marshal(&d)
			if err != nil {
				t.Fatal(err)
			}
			var back grafana.Dashboard
			if err := sdkErr(back.UnmarshalJSONStrict(out)); err != nil {
				t.Fatalf("strict decode of the SDK's own output: %v", err)
			}
			var ours, theirs dashboardModel
			if err := json.Unmarshal(data, &ours); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out, &theirs); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ours, theirs); diff != "" {
				t.Errorf("round trip through the Grafana SDK changed the dashboard (-ours +sdk):\n%s", diff)
			}
			if len(ours.Panels) < 20 || len(ours.Templating.List) != 3 {
				t.Errorf("%d panels, %d variables", len(ours.Panels), len(ours.Templating.List))
			}
		})
	}
}

// dashboardModel is what a round trip must keep.
type dashboardModel struct {
	UID, Title    string
	SchemaVersion int
	Panels        []struct {
		ID          int
		Type, Title string
		GridPos     gridPos
		Targets     []struct{ RefID, Expr, LegendFormat string }
		FieldConfig struct {
			Defaults struct {
				Unit string
				Min  *float64
			}
		}
	}
	Templating struct {
		List []struct{ Name, Type, Query string }
	}
}

// sdkErr: v0.0.22's UnmarshalJSONStrict returns an empty cog.BuildErrors
// (a non-nil error interface holding a nil slice) on success.
func sdkErr(err error) error {
	var be cog.BuildErrors
	if errors.As(err, &be) && len(be) == 0 {
		return nil
	}
	return err
}
