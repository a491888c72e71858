package kubernetes

// cases are the topologies every test renders: the default and the golden
// inputs, keyed by a short name.
var cases = map[string]string{
	"default":        "../../regions",
	"two-regions":    "../../golden/two-regions/input",
	"five-regions":   "../../golden/five-regions/input",
	"one-member":     "../../golden/one-member/input",
	"seven-by-seven": "../../golden/seven-by-seven/input",
}
