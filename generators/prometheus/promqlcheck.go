package prometheus

import (
	"fmt"
	"strings"

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

// checkGroups parses every rule expression of a rule file.
func checkGroups(file string, groups []ruleGroup) error {
	for _, grp := range groups {
		for _, r := range grp.Rules {
			name := r.Alert + r.Record
			if err := checkExpr(fmt.Sprintf("%s group %s rule %s", file, grp.Name, name), r.Expr); err != nil {
				return err
			}
		}
	}
	return nil
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
