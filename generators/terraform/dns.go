package terraform

import (
	"strings"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Route53 settings of the public API records and their health checks.
const (
	apiRecordTTL          = 60
	healthCheckFailures   = 3
	healthCheckInterval   = 30
	healthCheckPort       = 443
	healthCheckTypeHTTPS  = "HTTPS"
	geoDefaultCountryCode = "*"
)

// regionalEndpoint is the region's own API name (names.PublicAPIRecord):
// its health check probes it and the geolocation records point at it. It
// is published by the region's ingress (external-dns), outside this module.
func regionalEndpoint(t *model.Topology, r model.Region) string {
	return names.PublicAPIRecord(t, r)
}

func apiName(t *model.Topology) string { return t.DNS.APIRecord + "." + t.DNS.PublicZone }

// dns renders the global stack's dns.tf: the public zone with one health
// check per region and the geolocation records of the API name, then the
// associations of each region's private zone with the other regions' VPCs.
func dns(t *model.Topology, f *file) {
	f.comment("Public zone and geolocation routing of " + apiName(t))
	if t.DNS.CreatePublicZone {
		z := f.resource("aws_route53_zone", "public", globalAlias)
		z.str("name", t.DNS.PublicZone)
		z.tags("Name", t.DNS.PublicZone)
	} else {
		z := f.data("aws_route53_zone", "public", globalAlias)
		z.str("name", t.DNS.PublicZone)
		z.boolean("private_zone", false)
	}

	// The schema lets one region only serve a location (Route53 holds one
	// record per location): model.checkGeolocations.
	for _, r := range t.Regions {
		id := rid(r)
		hc := f.resource("aws_route53_health_check", id, globalAlias)
		hc.str("type", healthCheckTypeHTTPS)
		hc.str("fqdn", regionalEndpoint(t, r))
		hc.num("port", healthCheckPort)
		hc.str("resource_path", t.DNS.HealthCheckPath)
		hc.boolean("enable_sni", true)
		hc.num("failure_threshold", healthCheckFailures)
		hc.num("request_interval", healthCheckInterval)
		hc.tags("Name", model.RegionalName(t.Name, r.Name))

		for _, c := range r.Continents {
			geoRecord(t, r, f, "continent", c)
		}
		for _, c := range r.Countries {
			geoRecord(t, r, f, "country", c)
		}
	}

	defaultRecord(t, f)

	for _, r := range t.Regions {
		zoneAssociations(t, r, f)
	}
}

// zoneAssociations associates region r's private zone with every other
// region's VPC, so that every cluster resolves every member's host name
// (never a cluster-local name). They live here, not in the zone's stack:
// they need the other regions' VPC ids.
func zoneAssociations(t *model.Topology, r model.Region, f *file) {
	f.comment("Region " + r.Name + ": private zone " + r.DNSZone + " in the other regions' VPCs")
	for _, o := range t.Regions {
		if o.Name == r.Name {
			continue
		}
		a := f.resource("aws_route53_zone_association", rid(r)+"_private_"+rid(o), rid(o))
		a.ref("zone_id", rs(r, "private_zone_id"))
		a.ref("vpc_id", rs(o, "vpc_id"))
		a.str("vpc_region", o.CloudRegion)
	}
}

// publicZoneID refers to the public zone, created or found.
func publicZoneID(t *model.Topology) string {
	if t.DNS.CreatePublicZone {
		return "aws_route53_zone.public.zone_id"
	}
	return "data.aws_route53_zone.public.zone_id"
}

// failoverName is the failover pair behind the default geolocation record:
// "default-<apiRecord>.<publicZone>", which no region's
// "<apiRecord>-<region>" record can equal.
func failoverName(t *model.Topology) string {
	return "default-" + t.DNS.APIRecord + "." + t.DNS.PublicZone
}

// defaultRecord renders the answer for clients whose location matches no
// record (or cannot be located). With several regions it is an alias to a
// failover pair, each record with one routing policy: the preferred region
// (where the primary runs) as PRIMARY, the next region by preference as
// SECONDARY, each with its region's health check, so that when the
// preferred region is down the default traffic goes to the next one
// (Route 53 Developer Guide, "Configuring DNS failover": complex
// configurations alias a geolocation record to failover records, with
// evaluate_target_health). A single region's default is its endpoint.
//
// A CNAME alias to the CNAME failover pair is allowed: an alias to another
// record of the same hosted zone must have that record's type, and only at
// the zone apex (where no CNAME may exist) is a CNAME target refused
// (Route 53 API Reference, AliasTarget, DNSName: "Another Route 53 resource
// record set in your hosted zone"); apiName is never the apex, since
// dns.apiRecord is a label below dns.publicZone.
func defaultRecord(t *model.Topology, f *file) {
	prefs := t.PreferredRegions()
	d := f.resource("aws_route53_record", ident(t.DNS.APIRecord)+"_default", globalAlias)
	d.ref("zone_id", publicZoneID(t))
	d.str("name", apiName(t))
	d.str("type", "CNAME")
	if len(prefs) == 1 {
		d.num("ttl", apiRecordTTL)
		d.strs("records", regionalEndpoint(t, prefs[0]))
	}
	d.str("set_identifier", "default")
	if len(prefs) > 1 {
		a := d.block("alias")
		a.str("name", failoverName(t))
		a.ref("zone_id", publicZoneID(t))
		a.boolean("evaluate_target_health", true)
	}
	d.block("geolocation_routing_policy").str("country", geoDefaultCountryCode)
	if len(prefs) == 1 {
		return
	}
	for i, role := range []string{"PRIMARY", "SECONDARY"} {
		r := prefs[i]
		rec := f.resource("aws_route53_record", ident(t.DNS.APIRecord)+"_default_"+strings.ToLower(role), globalAlias)
		rec.ref("zone_id", publicZoneID(t))
		rec.str("name", failoverName(t))
		rec.str("type", "CNAME")
		rec.num("ttl", apiRecordTTL)
		rec.strs("records", regionalEndpoint(t, r))
		rec.str("set_identifier", strings.ToLower(role)+"-"+r.Name)
		rec.ref("health_check_id", "aws_route53_health_check."+rid(r)+".id")
		rec.block("failover_routing_policy").str("type", role)
	}
}

// geoRecord renders one geolocation record: a single routing policy per
// record (the seed's record with two policies is rejected by Route53), a
// set_identifier, and the region's health check so an unhealthy region's
// clients fall through to the default record.
func geoRecord(t *model.Topology, r model.Region, f *file, kind, code string) {
	id := rid(r)
	rec := f.resource("aws_route53_record", ident(t.DNS.APIRecord)+"_"+id+"_"+kind+"_"+strings.ToLower(code), globalAlias)
	rec.ref("zone_id", publicZoneID(t))
	rec.str("name", apiName(t))
	rec.str("type", "CNAME")
	rec.num("ttl", apiRecordTTL)
	rec.strs("records", regionalEndpoint(t, r))
	rec.str("set_identifier", r.Name+"-"+kind+"-"+code)
	rec.ref("health_check_id", "aws_route53_health_check."+id+".id")
	rec.block("geolocation_routing_policy").str(kind, code)
}

// privateZone renders a regional stack's dns.tf: the region's private
// hosted zone "<region>.<domain>" holding the member host names, in the
// region's own VPC, and the IAM role external-dns uses to write its
// records. The global stack associates the zone with the other regions'
// VPCs (zoneAssociations); a private zone needs one VPC at creation, and
// with separate associations the zone must ignore changes to its vpc
// blocks (hashicorp/aws aws_route53_zone_association docs), or each apply
// of this stack would remove them.
func privateZone(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	z := f.resource("aws_route53_zone", id+"_private", id)
	z.str("name", r.DNSZone)
	z.str("comment", "MongoDB member hosts of region "+r.Name+", resolvable from every region's VPC")
	z.tags("Name", r.DNSZone)
	v := z.block("vpc")
	v.ref("vpc_id", "aws_vpc."+id+".id")
	v.str("vpc_region", r.CloudRegion)
	z.block("lifecycle").raw("ignore_changes", tupleOf(f.tr("vpc")))

	f.irsaRole(id+"_external_dns", r, names.ExternalDNSRole(t, r), names.ExternalDNSNamespace, names.ExternalDNSServiceAccount)
	f.inlinePolicy(id+"_external_dns", id, "route53-private-zone", func(pol body) {
		w := pol.block("statement")
		w.str("sid", "WriteRegionZone")
		w.strs("actions", "route53:ChangeResourceRecordSets")
		w.refs("resources", "aws_route53_zone."+id+"_private.arn")
		// external-dns lists the records and tags of the zones it manages
		// (scoped to this one); only ListHostedZones has no resource type
		// and needs "*" (Service Authorization Reference, Amazon Route 53).
		r := pol.block("statement")
		r.str("sid", "ReadRegionZone")
		r.strs("actions", "route53:ListResourceRecordSets", "route53:ListTagsForResource")
		r.refs("resources", "aws_route53_zone."+id+"_private.arn")
		l := pol.block("statement")
		l.str("sid", "ListZones")
		l.strs("actions", "route53:ListHostedZones")
		l.val("resources", strList("*"))
	})
}
