package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/topogen/topogen/analysis"
)

func newExplainCmd(stdout, stderr io.Writer) *cobra.Command {
	var topo, format string
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Explain what the topology means: votes, failures, latency vs SLOs",
		Long: `explain prints what the compiler knows about the deployment:
  - members per region: count, voters, priority, tags;
  - failures: each region, each zone and each pair of regions lost → votes
    left, majority kept, where the primary goes, whether w:majority writes
    still succeed, and the estimated time to a new primary;
  - latency: estimated w:majority write, local and cross-region read latency
    from the inter-region round-trip matrix, each against its SLO.`,
		Example: `  topogen explain
  topogen explain -t golden/two-regions/input --format json | jq .failures`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("unknown --%s %q: want text or json", flagFormat, format)}
			}
			t, err := loadTopology(topo, stderr, stderr)
			if err != nil {
				return err
			}
			r := analysis.Explain(t)
			if format == "json" {
				stdout.Write(r.JSON())
			} else {
				stdout.Write(r.Text())
			}
			return nil
		},
	}
	addTopologyFlag(cmd, &topo)
	cmd.Flags().StringVar(&format, flagFormat, "text", "output format: text or json")
	return cmd
}
