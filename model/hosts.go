package model

// The member host format, defined once: the replica-set config, the
// certificates, the per-pod load balancers' DNS names and the exporters'
// member_idx label all carry it, and the Prometheus rules parse the region
// back out of it with MemberHostRegionRe.

// DNSZone is a region's private hosted zone, "<region>.<domain>": every
// region's VPC resolves it, so a member host is reachable from every
// cluster (never another cluster's svc.cluster.local).
func DNSZone(region, domain string) string { return region + "." + domain }

// MemberHost is a member's host name, "<pod>.<region>.<domain>" (pod from
// PodName, zone from DNSZone).
func MemberHost(pod, dnsZone string) string { return pod + "." + dnsZone }

// MemberHostRegionRe matches a member's "host:port" as MemberHost writes it
// and captures the region: the label after the pod name (pod names hold no
// dots). Prometheus anchors label_replace regexes; [.] instead of \. keeps
// the YAML free of escapes.
const MemberHostRegionRe = `[^.]+[.]([^.]+)[.].+`
