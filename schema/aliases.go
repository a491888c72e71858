package schema

import "github.com/topogen/topogen/model"

// The resolved model moved to package model (issue 17); these aliases keep
// schema.X compiling until every import is converted, then they go.

type (
	Addons             = model.Addons
	AlarmSubscription  = model.AlarmSubscription
	Analysis           = model.Analysis
	Backup             = model.Backup
	Chart              = model.Chart
	Cluster            = model.Cluster
	DNS                = model.DNS
	Delivery           = model.Delivery
	Diagnostic         = model.Diagnostic
	Diagnostics        = model.Diagnostics
	EKS                = model.EKS
	ExternalSecrets    = model.ExternalSecrets
	Kubernetes         = model.Kubernetes
	Member             = model.Member
	MongoDB            = model.MongoDB
	Monitoring         = model.Monitoring
	Patch              = model.Patch
	PatchDoc           = model.PatchDoc
	Pos                = model.Pos
	Region             = model.Region
	ReplicaSet         = model.ReplicaSet
	ReplicaSetSettings = model.ReplicaSetSettings
	SLO                = model.SLO
	Severity           = model.Severity
	Sizing             = model.Sizing
	Subnet             = model.Subnet
	SubnetTier         = model.SubnetTier
	Terraform          = model.Terraform
	Topology           = model.Topology
)

const (
	Error   = model.Error
	Warning = model.Warning
	Private = model.Private
	Public  = model.Public

	MaxMembers          = model.MaxMembers
	MaxVoters           = model.MaxVoters
	MaxPatchSize        = model.MaxPatchSize
	MinPITRSpan         = model.MinPITRSpan
	PITRUploadAllowance = model.PITRUploadAllowance
	PatchesAll          = model.PatchesAll
	PatchesDir          = model.PatchesDir
	PerconaServerImage  = model.PerconaServerImage
	MemberHostRegionRe  = model.MemberHostRegionRe
)

var (
	CarveSubnets    = model.CarveSubnets
	DNSZone         = model.DNSZone
	MemberHost      = model.MemberHost
	FormatDuration  = model.FormatDuration
	IsPerconaServer = model.IsPerconaServer
	MapAt           = model.MapAt
	ParseDuration   = model.ParseDuration
	ParsePatch      = model.ParsePatch
	ParseQuantity   = model.ParseQuantity
	PodName         = model.PodName
	RegionalName    = model.RegionalName
	StatefulSetName = model.StatefulSetName
)
