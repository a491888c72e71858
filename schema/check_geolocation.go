package schema

import (
	"fmt"

	"github.com/topogen/topogen/model"
)

// checkGeolocations: Route53 holds one geolocation record per location and
// name, so a continent or country can be served by one region only (a
// country inside a continent another region serves is fine: the more
// specific location wins).
func (c *checker) checkGeolocations(t *model.Topology) {
	for _, kind := range []string{"continents", "countries"} {
		servedBy := map[string]string{}
		for _, r := range t.Regions {
			locs := r.Continents
			if kind == "countries" {
				locs = r.Countries
			}
			for _, l := range locs {
				if other, dup := servedBy[l]; dup {
					c.errorf([]string{"regions", r.Name, "serves", kind}, fmt.Sprintf("route %s to one region only; to split it, list countries instead", l),
						"%s %s is also served by region %q (%s): Route53 holds one geolocation record per location", kind[:len(kind)-1], l, other, c.pos("regions", other, "serves", kind))
					continue
				}
				servedBy[l] = r.Name
			}
		}
	}
}
