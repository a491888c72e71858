package schema

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue"
	"k8s.io/apimachinery/pkg/util/validation"
)

var dnsLabel = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// checker collects diagnostics positioned at CUE values.
type checker struct {
	v         cue.Value
	dir       string
	userFiles map[string]bool // display names of the topology's files
	diags     Diagnostics
	// partial: the topology has CUE errors and only its valid regions are
	// checked (parts.check), so checks of the whole are skipped.
	partial bool
	// leftOut are the CIDRs of the regions a partial check left out, which
	// a suggested CIDR must avoid too.
	leftOut []netip.Prefix
}

// sel builds a CUE path; all-digit elements after a list field are
// indexes (e.g. "zones", "2").
func sel(path ...string) cue.Path {
	s := make([]cue.Selector, len(path))
	for i, p := range path {
		if n, err := strconv.Atoi(p); err == nil && i > 0 && isListField(path[i-1]) {
			s[i] = cue.Index(n)
		} else {
			s[i] = cue.Str(p)
		}
	}
	return cue.MakePath(s...)
}

func isListField(name string) bool {
	switch name {
	case "zones", "continents", "countries", "alertmanagers", "adminPrincipals", "publicAccessCIDRs":
		return true
	}
	return false
}

// pos is the position of the value at path in the user's files, falling back
// to the closest parent the user wrote (a defaulted value sits in the schema),
// or to the first field under it the user wrote (for "regions").
func (c *checker) pos(path ...string) Pos {
	if len(path) == 1 && path[0] == "regions" {
		// The regions map spans files; point at the first region's file.
		if it, err := c.v.LookupPath(sel("regions")).Fields(); err == nil && it.Next() {
			return c.pos("regions", it.Selector().Unquoted(), "cloudRegion")
		}
	}
	for n := len(path); n >= 0; n-- {
		val := c.v.LookupPath(sel(path[:n]...))
		if !val.Exists() {
			continue
		}
		if p, ok := c.userPos(val); ok {
			return p
		}
		// A struct unified with a schema definition reports the
		// definition's position; its conjunct written by the user has the
		// user's (the "{" after a region's name).
		if op, args := val.Expr(); op == cue.AndOp && val.IncompleteKind() == cue.StructKind {
			for _, a := range args {
				if p, ok := c.userPos(a); ok {
					return p
				}
			}
		}
		if it, err := val.List(); err == nil && it.Next() {
			if p, ok := c.userPos(it.Value()); ok {
				return p
			}
		}
		if it, err := val.Fields(); err == nil {
			for it.Next() {
				if p, ok := c.userPos(it.Value()); ok {
					return p
				}
			}
		}
	}
	return Pos{File: filepath.ToSlash(c.dir)}
}

func (c *checker) userPos(v cue.Value) (Pos, bool) {
	p := v.Pos()
	if p.IsValid() && c.userFiles[p.Filename()] {
		return Pos{File: p.Filename(), Line: p.Line(), Col: p.Column()}, true
	}
	return Pos{}, false
}

// pathString renders a field path the way CUE prints it (quoting names that
// are not identifiers).
func pathString(path ...string) string { return sel(path...).String() }

func (c *checker) errorf(path []string, fix, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Severity: Error, Pos: c.pos(path...), Path: pathString(path...), Summary: fmt.Sprintf(format, args...), Fix: fix})
}

func (c *checker) warnf(path []string, fix, format string, args ...any) {
	c.diags = append(c.diags, Diagnostic{Severity: Warning, Pos: c.pos(path...), Path: pathString(path...), Summary: fmt.Sprintf(format, args...), Fix: fix})
}

// resolve decodes the validated value, runs the semantic checks and builds
// the model.
func resolve(v cue.Value, dir string, userFiles map[string]bool) (*Topology, Diagnostics) {
	var raw rawTopology
	if err := v.Decode(&raw); err != nil {
		return nil, Diagnostics{{Pos: Pos{File: filepath.ToSlash(dir)}, Summary: "cannot decode topology: " + err.Error()}}
	}
	c := &checker{v: v, dir: dir, userFiles: userFiles}
	return c.resolveRaw(raw)
}

// resolveRaw checks the decoded topology and builds the model.
func (c *checker) resolveRaw(raw rawTopology) (*Topology, Diagnostics) {
	t := &Topology{
		Name: raw.Name,
		ReplicaSet: ReplicaSet{
			Name:     raw.ReplicaSet.Name,
			Settings: ReplicaSetSettings(raw.ReplicaSet.Settings),
		},
		MongoDB: MongoDB(raw.MongoDB),
		DNS:     DNS(raw.DNS),
		Kubernetes: Kubernetes{
			Namespace:           raw.Kubernetes.Namespace,
			AppNamespace:        raw.Kubernetes.AppNamespace,
			MonitoringNamespace: raw.Kubernetes.MonitoringNamespace,
			TLSIssuerName:       raw.Kubernetes.TLSIssuer.Name,
			TLSIssuerKind:       raw.Kubernetes.TLSIssuer.Kind,
			ExternalSecrets:     ExternalSecrets(raw.Kubernetes.ExternalSecrets),
		},
		Terraform: Terraform{
			AccountID:          raw.Terraform.AccountID,
			EKSVersion:         raw.Terraform.EKSVersion,
			StateBucket:        raw.Terraform.State.Bucket,
			StateKey:           raw.Terraform.State.Key,
			StateRegion:        raw.Terraform.State.Region,
			BackupBucketPrefix: raw.Terraform.BackupBucketPrefix,
			EKS: EKS{
				AdminPrincipals:   raw.Terraform.EKS.AdminPrincipals,
				GitOpsPrincipal:   raw.Terraform.EKS.GitOpsPrincipal,
				PublicAccessCIDRs: raw.Terraform.EKS.PublicAccessCIDRs,
				LogRetentionDays:  raw.Terraform.EKS.LogRetentionDays,
				AddonVersions:     raw.Terraform.EKS.AddonVersions,
			},
			AlarmSubscriptions: raw.Terraform.AlarmSubscriptions,
		},
		Monitoring: Monitoring{
			RunbookBaseURL: strings.TrimSuffix(raw.Monitoring.RunbookBaseURL, "/"),
			Alertmanagers:  raw.Monitoring.Alertmanagers,
			SelectorLabels: raw.Monitoring.SelectorLabels,
		},
		Delivery: Delivery(raw.Delivery),
		Addons:   raw.Addons,
	}
	t.Monitoring.ScrapeInterval = c.duration(raw.Monitoring.ScrapeInterval, "monitoring", "scrapeInterval")
	c.checkSelectorLabels(raw.Monitoring.SelectorLabels)
	if u := raw.Delivery.RepoURL; (strings.HasPrefix(u, "ssh://") || strings.HasPrefix(u, "git@")) && raw.Delivery.GitSecret == "" {
		c.errorf([]string{"delivery", "repoURL"}, `set delivery.gitSecret to the flux-system Secret holding the deploy key ("identity", "known_hosts"), or use an https URL`,
			"Flux cannot clone the ssh repository %q without credentials", u)
	}
	t.SLO = SLO{
		Availability:    raw.SLO.Availability,
		Period:          c.duration(raw.SLO.Period, "slo", "period"),
		RPO:             c.duration(raw.SLO.RPO, "slo", "rpo"),
		RTO:             c.duration(raw.SLO.RTO, "slo", "rto"),
		LocalRead:       c.duration(raw.SLO.Latency.LocalRead, "slo", "latency", "localRead"),
		CrossRegionRead: c.duration(raw.SLO.Latency.CrossRegionRead, "slo", "latency", "crossRegionRead"),
		PrimaryWrite:    c.duration(raw.SLO.Latency.PrimaryWrite, "slo", "latency", "primaryWrite"),
	}
	t.Backup = resolveBackup(raw.Backup)
	t.Analysis = resolveAnalysis(raw.Analysis)

	c.resolveRegions(t, raw)
	// issue 16: checks in files of their own (check_*.go).
	c.checkRegionNames(t)
	c.checkURLs(t)
	c.checkServiceCIDRs(t)
	c.checkStorage(t)
	if c.partial {
		return nil, c.diags
	}
	if !c.diags.HasErrors() {
		c.assignVotes(t, raw)
	}
	if !c.diags.HasErrors() {
		t.Members = buildMembers(t)
		c.checkVotes(t, raw)
	}
	if len(t.Regions) >= 2 {
		// getLastErrorModes "multiRegion": acknowledged in 2 distinct regions.
		t.ReplicaSet.MultiRegionAckRegions = 2
	}
	c.checkBackup(t)
	if c.diags.HasErrors() {
		return nil, c.diags.Sort()
	}
	t.PosOf = c.pos
	return t, c.diags.Sort()
}

// duration parses a #Duration ("50ms", "1m", "30d").
func (c *checker) duration(s string, path ...string) time.Duration {
	d, err := ParseDuration(s)
	if err != nil {
		c.errorf(path, `write a whole number and one unit of ms, s, m, h or d, e.g. "1m"`, "%q is not a duration", s)
	}
	return d
}

func resolveBackup(raw rawBackup) Backup {
	every, _ := ParseDuration(raw.Every)
	b := Backup{Every: every, Minute: raw.Minute, RetentionDays: raw.RetentionDays,
		PITR: raw.PITR, Type: raw.Type, Compression: raw.Compression, Image: raw.Image, StorageRegion: raw.StorageRegion}
	hours := int(every / time.Hour)
	if hours >= 24 {
		b.Schedule = fmt.Sprintf("%d 0 * * *", raw.Minute)
	} else {
		b.Schedule = fmt.Sprintf("%d */%d * * *", raw.Minute, hours)
	}
	return b
}

func resolveAnalysis(raw rawAnalysis) Analysis {
	a := Analysis{RTTMillis: map[string]map[string]float64{}, Accept: map[string]string{}, Acknowledge: map[string]string{}}
	for from, row := range raw.RTTMillis {
		for to, ms := range row {
			for _, p := range [][2]string{{from, to}, {to, from}} {
				if a.RTTMillis[p[0]] == nil {
					a.RTTMillis[p[0]] = map[string]float64{}
				}
				a.RTTMillis[p[0]][p[1]] = ms
			}
		}
	}
	for k, r := range raw.Accept {
		a.Accept[k] = r.Reason
	}
	for k, r := range raw.Acknowledge {
		a.Acknowledge[k] = r.Reason
	}
	return a
}

func (c *checker) resolveRegions(t *Topology, raw rawTopology) {
	names := slices.Sorted(maps.Keys(raw.Regions))
	if len(names) == 0 && !c.partial {
		c.errorf([]string{"regions"}, `add at least one region, e.g. regions: us: {...} (see regions/us.cue)`, "a topology needs at least one region")
		return
	}
	// Pod names "<rs>-<region>-<ordinal>" are DNS labels too.
	maxRegionLen := 63 - len(t.ReplicaSet.Name) - len("--") - 2
	total := 0
	usedIDs := map[int]string{}
	cloudRegions := map[string]string{}
	for i, name := range names {
		r := raw.Regions[name]
		path := []string{"regions", name}
		if !dnsLabel.MatchString(name) {
			c.errorf(path, "rename it to lower-case letters, digits and '-', starting with a letter (e.g. "+strconv.Quote(suggestLabel(name))+")",
				"region name %q is not a DNS label: it becomes a directory, object names and a DNS label in member host names", name)
		} else if len(name) > maxRegionLen {
			c.errorf(path, fmt.Sprintf("use at most %d characters", maxRegionLen),
				"region name %q is too long: pod name %s-%s-NN must be a DNS label of at most 63 characters", name, t.ReplicaSet.Name, name)
		}
		reg := Region{
			Name:         name,
			ID:           i,
			CloudRegion:  r.CloudRegion,
			Zones:        r.Zones,
			Priority:     r.Priority,
			Members:      r.Members,
			Continents:   slices.Sorted(slices.Values(r.Serves.Continents)),
			Countries:    slices.Sorted(slices.Values(r.Serves.Countries)),
			Jurisdiction: r.Jurisdiction,
			DNSZone:      name + "." + t.DNS.Domain,
			Prometheus:   cmp.Or(r.Prometheus, "prometheus."+name+"."+t.DNS.Domain+":9090"),
			Cluster: Cluster{
				ArgoCDName:       cmp.Or(r.Cluster.ArgoCDCluster, t.Name+"-"+name),
				Server:           r.Cluster.Server,
				KubeConfigSecret: r.Cluster.KubeConfigSecret,
			},
		}
		if r.ID != nil {
			reg.ID = *r.ID
		}
		// A region's default id is its index among all regions, which a
		// partial check does not see: ids are checked on the whole only.
		if other, dup := usedIDs[reg.ID]; dup && !c.partial {
			c.errorf(append(path, "id"), "give each region its own id (0-99); set ids explicitly before adding regions so member _ids never move",
				"region id %d is also used by region %q (%s)", reg.ID, other, c.pos("regions", other, "id"))
		} else {
			usedIDs[reg.ID] = name
		}
		if other, dup := cloudRegions[r.CloudRegion]; dup {
			c.errorf(append(path, "cloudRegion"), "merge the two regions or use another cloud region",
				"cloud region %q is also used by region %q (%s): each region needs its own VPC, cluster and DNS zone", r.CloudRegion, other, c.pos("regions", other, "cloudRegion"))
		} else {
			cloudRegions[r.CloudRegion] = name
		}
		for zi, z := range r.Zones {
			suffix, ok := strings.CutPrefix(z, r.CloudRegion)
			if !ok || len(suffix) != 1 || suffix[0] < 'a' || suffix[0] > 'z' {
				c.errorf([]string{"regions", name, "zones", strconv.Itoa(zi)}, fmt.Sprintf("use a zone of %s, e.g. %q", r.CloudRegion, r.CloudRegion+"a"),
					"zone %q is not an availability zone of cloud region %q (expected %q followed by one letter)", z, r.CloudRegion, r.CloudRegion)
			}
		}
		// EKS requires subnets in at least two availability zones
		// (CreateCluster: "subnets in at least two different Availability
		// Zones"), so a one-zone region cannot get its cluster.
		if len(r.Zones) == 1 {
			c.errorf(append(path, "zones"), fmt.Sprintf("add a second zone of %s, e.g. %q", r.CloudRegion, r.CloudRegion+"b"),
				"region %q has one availability zone; its EKS cluster needs subnets in at least two", name)
		}
		if r.Voters != nil && *r.Voters > r.Members {
			c.errorf(append(path, "voters"), "lower voters or raise members", "voters %d is more than the region's %d members", *r.Voters, r.Members)
		}
		total += r.Members
		reg.CIDR = c.parseCIDR(r.CIDR, append(path, "cidr"))
		reg.Sizing = c.resolveSizing(r, path)
		if reg.CIDR.IsValid() {
			reg.Subnets = CarveSubnets(reg.CIDR, reg.Zones)
		}
		t.Regions = append(t.Regions, reg)
	}
	if total > MaxMembers { // also among the valid regions of a partial check
		c.errorf([]string{"regions"}, "lower members in some regions (votes: 0 members still count)",
			"the regions hold %d members in all; a replica set has at most %d (mongodb-facts.md §1.3)", total, MaxMembers)
	}
	c.checkCIDRsDisjoint(t)
	c.checkGeolocations(t)
	c.checkPriorities(t)
	c.checkJurisdiction(t)
}

func (c *checker) parseCIDR(s string, path []string) netip.Prefix {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		c.errorf(path, `write an IPv4 network as "a.b.c.d/len", e.g. "10.3.0.0/16"`, "%q is not a CIDR block", s)
		return netip.Prefix{}
	case !p.Addr().Is4():
		c.errorf(path, `use an IPv4 block, e.g. "10.3.0.0/16"`, "%q is not IPv4: the VPC's primary CIDR must be IPv4", s)
		return netip.Prefix{}
	case p.Masked() != p:
		c.errorf(path, fmt.Sprintf("write the network address: %q", p.Masked().String()), "%q has host bits set", s)
		return netip.Prefix{}
	case p.Bits() < 16 || p.Bits() > 20:
		c.errorf(path, `use a prefix length between /16 and /20, e.g. "10.3.0.0/16"`,
			"%q is a /%d: AWS VPCs are /16 to /28 and topogen's subnet scheme needs at least /20 (six /23 private and six /26 public subnets)", s, p.Bits())
		return netip.Prefix{}
	case !p.Addr().IsPrivate():
		c.warnf(path, "use an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)", "%q is not a private range", s)
	}
	return p
}

// checkCIDRsDisjoint: VPC peering needs disjoint CIDRs; report each
// overlapping pair once, at the later region, naming both.
func (c *checker) checkCIDRsDisjoint(t *Topology) {
	for i, a := range t.Regions {
		for _, b := range t.Regions[i+1:] {
			if a.CIDR.IsValid() && b.CIDR.IsValid() && a.CIDR.Overlaps(b.CIDR) {
				c.errorf([]string{"regions", b.Name, "cidr"}, fmt.Sprintf("give region %q a block outside %s, e.g. %q", b.Name, a.CIDR, c.suggestCIDR(t, b.CIDR.Bits())),
					"VPC CIDR %s of region %q overlaps %s of region %q (%s): VPC peering needs disjoint CIDRs", b.CIDR, b.Name, a.CIDR, a.Name, c.pos("regions", a.Name, "cidr"))
			}
		}
	}
}

// checkGeolocations: Route53 holds one geolocation record per location and
// name, so a continent or country can be served by one region only (a
// country inside a continent another region serves is fine: the more
// specific location wins).
func (c *checker) checkGeolocations(t *Topology) {
	for _, kind := range []string{"continents", "countries"} {
		servedBy := map[string]string{}
		for _, r := range t.Regions {
			locs := r.Continents
			if kind == "countries" {
				locs = r.Countries
			}
			for _, l := range locs {
				if other, dup := servedBy[l]; dup {
					c.errorf([]string{"regions", r.Name, "serves", kind}, fmt.Sprintf("route %s to one region only; to split it, list countries instead", l),
						"%s %s is also served by region %q (%s): Route53 holds one geolocation record per location", kind[:len(kind)-1], l, other, c.pos("regions", other, "serves", kind))
					continue
				}
				servedBy[l] = r.Name
			}
		}
	}
}

// suggestCIDR finds a 10.x.0.0/bits block no region uses.
func (c *checker) suggestCIDR(t *Topology, bits int) string {
	taken := slices.Clone(c.leftOut)
	for _, r := range t.Regions {
		if r.CIDR.IsValid() {
			taken = append(taken, r.CIDR)
		}
	}
	for x := 0; x < 256; x++ {
		cand := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(x), 0, 0}), bits)
		free := true
		for _, p := range taken {
			if p.Overlaps(cand) {
				free = false
				break
			}
		}
		if free {
			return cand.String()
		}
	}
	return "10.0.0.0/16"
}

// checkPriorities: the preference must be a strict order, with at least
// one region whose members can become primary (mongodb-facts.md §1.3).
func (c *checker) checkPriorities(t *Topology) {
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

// checkJurisdiction: one replica set copies every document to every member,
// so data bound to a jurisdiction cannot share a set with other regions.
func (c *checker) checkJurisdiction(t *Topology) {
	for _, r := range t.Regions {
		if r.Jurisdiction == "" {
			continue
		}
		for _, o := range t.Regions {
			if o.Jurisdiction != r.Jurisdiction {
				c.errorf([]string{"regions", r.Name, "jurisdiction"},
					"keep this region's data in a separate replica set (its own topology), or use zone sharding (not supported by topogen yet)",
					"region %q requires its data to stay in %s, but region %q (%s) is in the same replica set, which copies every document to every member",
					r.Name, r.Jurisdiction, o.Name, cmp.Or(o.Jurisdiction, "no jurisdiction"))
				break
			}
		}
	}
}

func (c *checker) resolveSizing(r rawRegion, path []string) Sizing {
	s := Sizing{
		CPU:             r.Sizing.CPU,
		CPULimit:        r.Sizing.CPULimit,
		Memory:          r.Sizing.Memory,
		MemoryLimit:     r.Sizing.MemoryLimit,
		StorageSize:     r.Sizing.StorageSize,
		StorageClass:    r.Sizing.StorageClass,
		InstanceType:    r.Sizing.InstanceType,
		AppInstanceType: r.Sizing.AppInstanceType,
		IOPS:            r.Sizing.IOPS,
		Throughput:      r.Sizing.Throughput,
	}
	c.checkVolumePerformance(s, path)
	sp := append(slices.Clone(path), "sizing")
	req, err1 := ParseQuantity(s.Memory)
	lim, err2 := ParseQuantity(s.MemoryLimit)
	if err1 != nil {
		c.errorf(append(sp, "memory"), `write a byte quantity, e.g. "32Gi"`, "%v", err1)
	}
	if err2 != nil {
		c.errorf(append(sp, "memoryLimit"), `write a byte quantity, e.g. "64Gi"`, "%v", err2)
	}
	if err1 == nil && err2 == nil {
		s.MemoryLimitBytes = int64(lim)
		const minMem = 2 << 30
		switch {
		case lim < req:
			c.errorf(append(sp, "memoryLimit"), "raise memoryLimit to at least memory", "memoryLimit %s is below the memory request %s", s.MemoryLimit, s.Memory)
		case lim < minMem:
			c.errorf(append(sp, "memoryLimit"), `give each member at least "2Gi"`, "memoryLimit %s leaves no room for WiredTiger's cache (mongodb-facts.md §2)", s.MemoryLimit)
		}
	}
	if s.CPULimit != "" {
		cr, e1 := ParseQuantity(s.CPU)
		cl, e2 := ParseQuantity(s.CPULimit)
		if e1 == nil && e2 == nil && cl < cr {
			c.errorf(append(sp, "cpuLimit"), "raise cpuLimit to at least cpu, or drop it", "cpuLimit %s is below the cpu request %s", s.CPULimit, s.CPU)
		}
	}
	return s
}

// suggestLabel turns a name into a DNS label for the fix hint.
func suggestLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" || out[0] < 'a' || out[0] > 'z' {
		out = "r" + out
	}
	return out
}

// isLabelKey: a Kubernetes label key is a qualified name, an optional
// DNS-subdomain prefix and "/", then a name of at most 63 characters; the
// API server's own check (k8s.io/apimachinery validation.IsQualifiedName).
func isLabelKey(k string) bool { return len(validation.IsQualifiedName(k)) == 0 }

// checkSelectorLabels: keys must be label keys, and not topogen's own
// (set on every object, so a selector label could not change them).
func (c *checker) checkSelectorLabels(labels map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		path := []string{"monitoring", "selectorLabels", k}
		switch {
		case !isLabelKey(k):
			c.errorf(path, `write a label key such as "release" or "example.com/team"`, "%q is not a Kubernetes label key", k)
		case strings.HasPrefix(k, "app.kubernetes.io/") || strings.HasPrefix(k, "topogen.io/"):
			c.errorf(path, "use another key; topogen sets app.kubernetes.io/* and topogen.io/* labels itself", "label key %q is topogen's own", k)
		}
	}
}
