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
    from the inter-region round-trip matrix, each against its SLO.
In the zone-sharded mode (a sharding block) it also prints the residency
table (each zone: its jurisdiction, shard, members per region, the
locations it holds), what crosses borders (config servers, routers), the
failure table of each set (the config servers and every shard) and the
write latency to each zone from each region; the SLOs are judged per set.`,
		Example: `  topogen explain
  topogen explain -t golden/two-regions/input --format json | jq .failures
  topogen explain -t golden/eu-residency/input`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageError{fmt.Errorf("unknown --%s %q: want text or json", flagFormat, format)}
			}
			t, _, err := loadTopology(topo, stderr, stderr)
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
