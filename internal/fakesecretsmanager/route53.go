package main

import (
	"encoding/xml"
	"fmt"
	"log"
	"net/http"
	"strings"
)

// The Route 53 reads of a data "aws_route53_zone" looked up by name (an
// existing public zone, dns.createPublicZone: false): data sources are read
// during plan even with -refresh=false. hashicorp/aws 5.100.0's
// dataSourceZoneRead (internal/service/route53/zone_data_source.go) lists
// the hosted zones (ListHostedZones, GET /2013-04-01/hostedzone), keeps the
// one of that name and type, then reads it (GetHostedZone, GET
// /2013-04-01/hostedzone/{Id}: the delegation set's name servers) and its
// tags (ListTagsForResource, GET /2013-04-01/tags/hostedzone/{Id}). Route
// 53 speaks REST-XML in the 2013-04-01 namespace. The zones answered are
// the public zones named on the command line, with fake ids and name
// servers.

const route53NS = "https://route53.amazonaws.com/doc/2013-04-01/"

// Zones are the public zones ListHostedZones returns, by name.
var Zones []string

type hostedZone struct {
	ID                     string `xml:"Id"`
	Name                   string `xml:"Name"`
	CallerReference        string `xml:"CallerReference"`
	PrivateZone            bool   `xml:"Config>PrivateZone"`
	ResourceRecordSetCount int    `xml:"ResourceRecordSetCount"`
}

func zone(i int) hostedZone {
	return hostedZone{
		ID:                     fmt.Sprintf("/hostedzone/ZOFFLINE%d", i),
		Name:                   strings.TrimSuffix(Zones[i], ".") + ".",
		CallerReference:        "offline-plan",
		ResourceRecordSetCount: 2,
	}
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(v)
}

// HandleRoute53 answers the three reads; anything else is an error.
func HandleRoute53(w http.ResponseWriter, r *http.Request) {
	log.Printf("fakeroute53: %s %s", r.Method, r.URL.Path)
	p := strings.TrimPrefix(r.URL.Path, "/2013-04-01/")
	switch {
	case r.Method == http.MethodGet && p == "hostedzone":
		type resp struct {
			XMLName     xml.Name     `xml:"ListHostedZonesResponse"`
			NS          string       `xml:"xmlns,attr"`
			HostedZones []hostedZone `xml:"HostedZones>HostedZone"`
			IsTruncated bool         `xml:"IsTruncated"`
			MaxItems    int          `xml:"MaxItems"`
		}
		out := resp{NS: route53NS, MaxItems: 100}
		for i := range Zones {
			out.HostedZones = append(out.HostedZones, zone(i))
		}
		writeXML(w, out)
		return
	case r.Method == http.MethodGet && strings.HasPrefix(p, "hostedzone/ZOFFLINE"):
		i := zoneIndex(strings.TrimPrefix(p, "hostedzone/"))
		if i < 0 {
			break
		}
		type resp struct {
			XMLName     xml.Name   `xml:"GetHostedZoneResponse"`
			NS          string     `xml:"xmlns,attr"`
			HostedZone  hostedZone `xml:"HostedZone"`
			NameServers []string   `xml:"DelegationSet>NameServers>NameServer"`
		}
		writeXML(w, resp{NS: route53NS, HostedZone: zone(i), NameServers: []string{"ns-1.offline.invalid", "ns-2.offline.invalid"}})
		return
	case r.Method == http.MethodGet && strings.HasPrefix(p, "tags/hostedzone/ZOFFLINE"):
		id := strings.TrimPrefix(p, "tags/hostedzone/")
		if zoneIndex(id) < 0 {
			break
		}
		type resp struct {
			XMLName      xml.Name `xml:"ListTagsForResourceResponse"`
			NS           string   `xml:"xmlns,attr"`
			ResourceType string   `xml:"ResourceTagSet>ResourceType"`
			ResourceID   string   `xml:"ResourceTagSet>ResourceId"`
			Tags         struct{} `xml:"ResourceTagSet>Tags"`
		}
		writeXML(w, resp{NS: route53NS, ResourceType: "hostedzone", ResourceID: id})
		return
	}
	w.WriteHeader(http.StatusBadRequest)
	writeXML(w, struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		NS      string   `xml:"xmlns,attr"`
		Type    string   `xml:"Error>Type"`
		Code    string   `xml:"Error>Code"`
		Message string   `xml:"Error>Message"`
	}{NS: route53NS, Type: "Sender", Code: "InvalidInput", Message: "the offline plan's fake Route 53 answers the aws_route53_zone data source's reads only, not " + r.Method + " " + r.URL.Path})
}

// zoneIndex is the index of the fake zone id, or -1.
func zoneIndex(id string) int {
	var i int
	if _, err := fmt.Sscanf(id, "ZOFFLINE%d", &i); err != nil || i < 0 || i >= len(Zones) || fmt.Sprintf("ZOFFLINE%d", i) != id {
		return -1
	}
	return i
}
