package schema

import "github.com/topogen/topogen/model"

// checkIssuer warns about a ClusterIssuer signing member certificates:
// cert-manager lets a Certificate in any namespace reference a
// ClusterIssuer, and a certificate with the members' O and OU is accepted
// as a cluster member (MongoDB "Use x.509 Certificate for Membership
// Authentication": members are recognised by matching O/OU/DC), i.e. it
// gets the __system role on every member.
func (c *checker) checkIssuer(t *model.Topology) {
	if t.Kubernetes.TLSIssuerKind == "ClusterIssuer" {
		c.warnf([]string{"kubernetes", "tlsIssuer", "kind"}, `use kind "Issuer" (the default), which signs only Certificates in kubernetes.namespace`,
			"a ClusterIssuer signs Certificates of every namespace: anyone allowed to create one there can mint a certificate that authenticates as a cluster member")
	}
}
