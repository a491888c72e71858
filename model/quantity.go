package model

import (
	"fmt"
	"math"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// maxQuantity is the largest quantity a Kubernetes object can carry as an
// integer (resource.Quantity.Value is an int64): 8 EiB, or 9.2e18 cores.
var maxQuantity = *resource.NewQuantity(math.MaxInt64, resource.BinarySI)

// ParseQuantity parses a Kubernetes resource quantity ("32Gi", "500m",
// "8") with Kubernetes' own parser (k8s.io/apimachinery resource), so
// topogen accepts exactly what the API server accepts, into its value in
// base units (bytes or cores). Negative values and values over an int64
// (8 EiB) are errors: the latter would wrap around silently.
func ParseQuantity(s string) (float64, error) {
	q, err := resource.ParseQuantity(s)
	if err == nil && (s == "" || !strings.ContainsAny(s[:1], "+-.0123456789")) {
		err = fmt.Errorf("no number") // resource.ParseQuantity reads "Gi" as 0
	}
	if err != nil {
		return 0, fmt.Errorf("%q is not a resource quantity (a number with an optional suffix such as Mi, Gi, Ti, k, M, G or m)", s)
	}
	if q.Sign() < 0 {
		return 0, fmt.Errorf("%q is negative", s)
	}
	// resource.ParseQuantity clamps larger values to the int64 maximum.
	if q.Cmp(maxQuantity) >= 0 {
		return 0, fmt.Errorf("%q is too large: Kubernetes quantities stop at 8 EiB (%d)", s, int64(math.MaxInt64))
	}
	return q.AsApproximateFloat64(), nil
}
