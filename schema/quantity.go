package schema

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

var quantitySuffixes = []struct {
	suffix string
	factor float64
}{
	{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"Pi", 1 << 50},
	{"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}, {"m", 1e-3},
}

// ParseQuantity parses a Kubernetes resource quantity ("32Gi", "500m", "8")
// into its value in base units (bytes or cores).
func ParseQuantity(s string) (float64, error) {
	num, factor := s, 1.0
	for _, q := range quantitySuffixes {
		if n, ok := strings.CutSuffix(s, q.suffix); ok {
			num, factor = n, q.factor
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("%q is not a resource quantity", s)
	}
	return f * factor, nil
}
