package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func newVetCmd(stdout, stderr io.Writer) *cobra.Command {
	var topo string
	cmd := &cobra.Command{
		Use:   "vet",
		Short: "Validate the topology without writing anything",
		Long: `vet loads the topology, checks it against the schema and the semantic rules
(CIDRs, region names, zones, votes, priorities, SLO feasibility) and prints
every problem: errors on stderr (exit 2), warnings on stdout.`,
		Example: `  topogen vet
  topogen vet -t golden/two-regions/input`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, _, err := loadTopology(topo, stderr, stdout)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: ok: %d regions, %d members, %d voters (majority %d)\n", topo, len(t.Regions), len(t.Members), t.Voters(), t.Majority())
			return nil
		},
	}
	addTopologyFlag(cmd, &topo)
	return cmd
}
