package prometheus

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
)

// Every PromQL expression topogen writes goes through Prometheus's own
// parser during gen (promql/parser, the one promtool and the server use), so
// a generator bug — an unbalanced parenthesis, a misplaced group_left, a
// typo in a function name — fails gen as an internal error naming the rule,
// instead of producing a file that promtool (or the server, at reload)
// rejects later. Parsing is cheap (the default topology's ~150 expressions
// parse in about a millisecond).
var promqlParser = parser.NewParser(parser.Options{})

// checkExpr parses expr; where names the rule, test or panel it belongs to.
func checkExpr(where, expr string) error {
	if _, err := promqlParser.ParseExpr(expr); err != nil {
		return fmt.Errorf("generated PromQL of %s does not parse: %v\n%s", where, err, expr)
	}
	return nil
}

// checkSelector parses a series selector (federation match[]).
func checkSelector(where, sel string) error {
	if _, err := promqlParser.ParseMetricSelector(sel); err != nil {
		return fmt.Errorf("generated series selector of %s does not parse: %v\n%s", where, err, sel)
	}
	return nil
}

// checkGroups parses every rule expression of a rule file and returns the
// longest time range any of them reads (range selectors, subqueries and
// their offsets), which the Prometheus evaluating them must retain.
func checkGroups(file string, groups []ruleGroup) (time.Duration, error) {
	var longest time.Duration
	for _, grp := range groups {
		for _, r := range grp.Rules {
			name := r.Alert + r.Record
			e, err := promqlParser.ParseExpr(r.Expr)
			if err != nil {
				return 0, fmt.Errorf("generated PromQL of %s group %s rule %s does not parse: %v\n%s", file, grp.Name, name, err, r.Expr)
			}
			longest = max(longest, lookback(e))
		}
	}
	return longest, nil
}

// lookback is how far back in time e reads: the longest range, subquery
// range or offset on any path through it (nested subqueries add up).
func lookback(e parser.Node) time.Duration {
	var here time.Duration
	switch n := e.(type) {
	case *parser.MatrixSelector:
		vs := n.VectorSelector.(*parser.VectorSelector)
		return n.Range + vs.OriginalOffset
	case *parser.SubqueryExpr:
		here = n.Range + n.OriginalOffset
	case *parser.VectorSelector:
		return n.OriginalOffset
	}
	var deepest time.Duration
	for _, c := range parser.Children(e) {
		deepest = max(deepest, lookback(c))
	}
	return here + deepest
}

// checkTests parses the expressions of promtool's promql_expr_test cases
// and every input series (they are series selectors in promtool's syntax
// without the values).
func checkTests(file string, tests []testCase) error {
	for _, tc := range tests {
		for _, et := range tc.PromQLExprTests {
			if err := checkExpr(fmt.Sprintf("%s test %q", file, tc.Name), et.Expr); err != nil {
				return err
			}
		}
		for _, in := range tc.InputSeries {
			if err := checkSelector(fmt.Sprintf("%s test %q input", file, tc.Name), in.Series); err != nil {
				return err
			}
		}
	}
	return nil
}

// grafanaVars are the dashboard's template variables with a value of the
// right shape, substituted before parsing: Grafana interpolates them into
// the query text before sending it to Prometheus.
var grafanaVars = strings.NewReplacer(
	"$__rate_interval", "5m",
	"$__interval", "1m",
	"$__range", "1h",
	"${region:regex}", "eu",
	"${member:regex}", "m",
	"$region", "eu",
	"$member", "m",
)

// checkDashboard parses every panel target of the dashboard.
func checkDashboard(d dashboard) error {
	for _, p := range d.Panels {
		for _, t := range p.Targets {
			if err := checkExpr(fmt.Sprintf("dashboard panel %q target %s", p.Title, t.RefID), grafanaVars.Replace(t.Expr)); err != nil {
				return err
			}
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		if q, ok := strings.CutPrefix(v.Query, "label_values("); ok {
			// label_values(<selector>, <label>): the selector part.
			if i := strings.LastIndex(q, ","); i > 0 {
				if err := checkSelector(fmt.Sprintf("dashboard variable %s", v.Name), grafanaVars.Replace(q[:i])); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
