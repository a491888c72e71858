package prometheus

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// ruleFile is the Prometheus rule-file format (model/rulefmt). Structs, not
// maps, so the keys come out in a fixed, readable order; the only maps
// (labels, annotations) are sorted by the encoder.
type ruleFile struct {
	Groups []ruleGroup `yaml:"groups" json:"groups"`
}

type ruleGroup struct {
	Name     string `yaml:"name" json:"name"`
	Interval string `yaml:"interval,omitempty" json:"interval,omitempty"`
	Rules    []rule `yaml:"rules" json:"rules"`
}

type rule struct {
	Record      string            `yaml:"record,omitempty" json:"record,omitempty"`
	Alert       string            `yaml:"alert,omitempty" json:"alert,omitempty"`
	Expr        string            `yaml:"expr" json:"expr"`
	For         string            `yaml:"for,omitempty" json:"for,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty" json:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty" json:"annotations,omitempty"`
}

// marshalYAML renders v with two-space indentation; multi-line strings
// (long PromQL) come out as literal blocks.
func marshalYAML(header string, v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// comment turns text into a YAML comment block.
func comment(lines ...string) string { return generators.CommentLines(lines...) }

// promDuration formats d in the largest unit that divides it, which is
// also Prometheus duration syntax (30s, 5m, 6h, 1d).
func promDuration(d time.Duration) string { return model.FormatDuration(d) }

// fmtFloat prints a threshold the way a reader would write it (1e-05,
// 0.001, 14.4), never with binary noise.
func fmtFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.10g", f), ".")
}
