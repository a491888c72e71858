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

// dns renders dns.tf: the public zone with one health check per region and
// the geolocation records of the API name, then per region the private
// zone holding member host names and external-dns's role writing it.
func dns(t *model.Topology, f *file) {
	f.comment("Public zone and geolocation routing of " + apiName(t))
	z := f.resource("aws_route53_zone", "public", globalAlias)
	z.str("name", t.DNS.PublicZone)
	z.tags("Name", t.DNS.PublicZone)

	// The schema lets one region only serve a location (Route53 holds one
	// record per location): schema.checkGeolocations.
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
		hc.tags("Name", t.Name+"-"+r.Name)

		for _, c := range r.Continents {
			geoRecord(t, r, f, "continent", c)
		}
		for _, c := range r.Countries {
			geoRecord(t, r, f, "country", c)
		}
	}

	// Clients whose location matches no record (or cannot be located) go
	// to the preferred region. No health check: the default answer must
	// always exist, and the preferred region is where the primary runs.
	pref := t.Preferred()
	d := f.resource("aws_route53_record", ident(t.DNS.APIRecord)+"_default", globalAlias)
	d.ref("zone_id", "aws_route53_zone.public.zone_id")
	d.str("name", apiName(t))
	d.str("type", "CNAME")
	d.num("ttl", apiRecordTTL)
	d.strs("records", regionalEndpoint(t, pref))
	d.str("set_identifier", "default")
	d.block("geolocation_routing_policy").str("country", geoDefaultCountryCode)

	for _, r := range t.Regions {
		privateZone(t, r, f)
	}
}

// geoRecord renders one geolocation record: a single routing policy per
// record (the seed's record with two policies is rejected by Route53), a
// set_identifier, and the region's health check so an unhealthy region's
// clients fall through to the default record.
func geoRecord(t *model.Topology, r model.Region, f *file, kind, code string) {
	id := rid(r)
	rec := f.resource("aws_route53_record", ident(t.DNS.APIRecord)+"_"+id+"_"+kind+"_"+strings.ToLower(code), globalAlias)
	rec.ref("zone_id", "aws_route53_zone.public.zone_id")
	rec.str("name", apiName(t))
	rec.str("type", "CNAME")
	rec.num("ttl", apiRecordTTL)
	rec.strs("records", regionalEndpoint(t, r))
	rec.str("set_identifier", r.Name+"-"+kind+"-"+code)
	rec.ref("health_check_id", "aws_route53_health_check."+id+".id")
	rec.block("geolocation_routing_policy").str(kind, code)
}

// privateZone renders the region's private hosted zone "<region>.<domain>"
// associated with every region's VPC, so that every cluster resolves every
// member's host name (never a cluster-local name), and the IAM role
// external-dns uses to write the zone's records.
//
// The associations are inline vpc blocks rather than separate association
// resources: one owner for the list, in region order, with no lifecycle
// ignore to keep in sync.
func privateZone(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	f.comment("Region " + r.Name + ": private zone " + r.DNSZone)
	z := f.resource("aws_route53_zone", id+"_private", id)
	z.str("name", r.DNSZone)
	z.str("comment", "MongoDB member hosts of region "+r.Name+", resolvable from every region's VPC")
	z.tags("Name", r.DNSZone)
	for _, o := range t.Regions {
		v := z.block("vpc")
		v.ref("vpc_id", "aws_vpc."+rid(o)+".id")
		v.str("vpc_region", o.CloudRegion)
	}

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
