package schema

import (
	"strings"

	"github.com/topogen/topogen/model"
)

// checkSecretsRegion resolves terraform.secretsRegion: the preferred
// region unless set, else one of the topology's regions.
func (c *checker) checkSecretsRegion(t *model.Topology) {
	if len(t.Regions) == 0 {
		return
	}
	tf := &t.Terraform
	if tf.SecretsRegion == "" {
		tf.SecretsRegion = t.Preferred().Name
		return
	}
	if _, ok := t.Region(tf.SecretsRegion); !ok {
		var names []string
		for _, r := range t.Regions {
			names = append(names, r.Name)
		}
		c.errorf([]string{"terraform", "secretsRegion"}, "name one of the regions: "+strings.Join(names, ", "),
			"secrets region %q is not a region of the topology", tf.SecretsRegion)
	}
}

// eksClusterDomain is the cluster domain of the kubelets on topogen's EKS
// node groups: the EKS-optimized AMIs configure kubelet with
// clusterDomain cluster.local (amazon-eks-ami's kubelet-config.json), and
// the launch templates topogen writes pass no kubelet configuration.
const eksClusterDomain = "cluster.local"

// checkClusterDomain refuses a kubernetes.clusterDomain other than the
// kubelets' own: the member certificates, the connection strings and the
// zone each region's CoreDNS serves (its Corefile) follow the topology's
// domain, while every pod's resolver searches the kubelet's. With another
// domain no pod of the cluster, kube-system's included, would resolve its
// .svc names after the CoreDNS add-on is updated.
func (c *checker) checkClusterDomain(t *model.Topology) {
	if d := t.Kubernetes.ClusterDomain; d != eksClusterDomain {
		c.errorf([]string{"kubernetes", "clusterDomain"}, `remove it, or set "`+eksClusterDomain+`"`,
			"cluster domain %q: the kubelets of topogen's EKS node groups use %s (the EKS-optimized AMIs' kubelet configuration), so pods would not resolve names under %q",
			d, eksClusterDomain, d)
	}
}
