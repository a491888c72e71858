package schema

import "github.com/topogen/topogen/model"

// checkPriorities: the preference must be a strict order, with at least
// one region whose members can become primary (mongodb-facts.md §1.3).
func (c *checker) checkPriorities(t *model.Topology) {
	byPriority := map[int]string{}
	electable := false
	for _, r := range t.Regions {
		if r.Priority == 0 {
			continue
		}
		electable = true
		if other, dup := byPriority[r.Priority]; dup {
			c.errorf([]string{"regions", r.Name, "priority"}, "give each electable region a different priority (highest = preferred), e.g. 7, 6, 5",
				"priority %d is also region %q's (%s): the primary preference must be a strict order", r.Priority, other, c.pos("regions", other, "priority"))
		} else {
			byPriority[r.Priority] = r.Name
		}
	}
	if !electable && !c.partial { // a partial check may have left the electable regions out
		c.errorf([]string{"regions"}, "give the preferred region a priority of 1-7",
			"every region has priority 0: a replica set needs at least one member with priority > 0")
	}
}
