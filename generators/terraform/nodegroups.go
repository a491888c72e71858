package terraform

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// Node groups and their root volumes.
const (
	mongodbNodeGroup = "mongodb"
	appNodeGroup     = "application"
	// rootVolumeGiB: the node's root (OS, images, logs); MongoDB's data is
	// on its own EBS volume.
	rootVolumeGiB = 50
	// rootDevice of the EKS-optimized Amazon Linux AMIs, the managed node
	// groups' default.
	rootDevice = "/dev/xvda"
)

// nodeGroups renders the region's managed node groups, each on its own
// launch template, and returns their references (for what must wait for
// nodes). deps are created first (IAM attachments, the networking add-ons).
//
// MongoDB: one group per zone holding members, because a member's EBS
// volume is zonal: a group spanning zones could replace a node in another
// zone and leave its member unschedulable. Each group has a node per
// member of its zone plus one spare. Tainted dedicated=mongodb:NoSchedule
// and labelled role=mongodb (names.MongoDBTaint*, names.MongoDBNodeLabel*,
// which the StatefulSet tolerates and selects).
//
// Application: one group across the zones, a node per zone to start.
//
// Every group is named by node_group_name_prefix with create_before_destroy:
// a change EKS can only apply by replacing the group (instance type, zone)
// brings the new group up before the old one drains, instead of removing
// every member's node at once. desired_size is ignored after creation: it
// is the autoscaler's (or the operator's) to change, not a diff to revert.
//
// In the sharded mode the MongoDB groups hold every set's members in the
// zone (config servers and shards: a node per member plus one spare), of
// the instance type of model.Sharding.NodeSizing (the largest the sets
// there declare, which vet checks each member fits); the routers run on
// the application group (sharding.mongos.instanceType), next to the
// applications.
func nodeGroups(t *model.Topology, r model.Region, f *file, deps []string) []string {
	id := rid(r)
	perZone := map[string]int{}
	instanceType := r.Sizing.InstanceType
	for _, m := range regionMongods(t, r.Name) {
		perZone[m.Zone]++
	}
	if t.Sharding != nil {
		sz, _ := t.Sharding.NodeSizing(r.Name)
		instanceType = sz.InstanceType
	}
	var refs []string
	for _, s := range subnets(r, model.Private) {
		n := perZone[s.Zone]
		if n == 0 {
			continue
		}
		name := id + "_" + mongodbNodeGroup + "_" + ident(s.Zone)
		launchTemplate(t, r, f, name, model.RegionalName(t.Name, r.Name)+"-"+mongodbNodeGroup+"-"+s.Zone)
		ng := nodeGroup(t, r, f, name, mongodbNodeGroup+"-"+s.Zone+"-", instanceType,
			[]string{"aws_subnet." + subnetName(r, s) + ".id"}, n, n+1)
		ng.val("labels", strMap(names.MongoDBNodeLabelKey, names.MongoDBNodeLabelValue, "topology.kubernetes.io/zone", s.Zone))
		taint := ng.block("taint")
		taint.str("key", names.MongoDBTaintKey)
		taint.str("value", names.MongoDBTaintValue)
		taint.str("effect", "NO_SCHEDULE") // the EKS API's name of NoSchedule
		nodeGroupTail(ng, deps)
		refs = append(refs, "aws_eks_node_group."+name)
	}

	zones := len(r.Zones)
	name := id + "_" + appNodeGroup
	launchTemplate(t, r, f, name, model.RegionalName(t.Name, r.Name)+"-"+appNodeGroup)
	ag := nodeGroup(t, r, f, name, appNodeGroup+"-", r.Sizing.AppInstanceType, subnetRefs(r, model.Private), zones, 3*zones)
	ag.val("labels", strMap(names.MongoDBNodeLabelKey, appNodeGroup))
	nodeGroupTail(ag, deps)
	return append(refs, "aws_eks_node_group."+name)
}

// nodeGroup renders a managed node group's arguments; the caller adds
// labels and taints, then nodeGroupTail.
func nodeGroup(t *model.Topology, r model.Region, f *file, name, prefix, instanceType string, subnetIDs []string, size, max int) body {
	id := rid(r)
	ng := f.resource("aws_eks_node_group", name, id)
	ng.ref("cluster_name", "aws_eks_cluster."+id+".name")
	ng.str("node_group_name_prefix", prefix)
	ng.ref("node_role_arn", "aws_iam_role."+id+"_eks_node.arn")
	ng.refs("subnet_ids", subnetIDs...)
	ng.strs("instance_types", instanceType)
	// The cluster's version, so an eksVersion upgrade rolls the nodes onto
	// it after the control plane. Unset, a node group keeps its Kubernetes
	// version (EKS API, UpdateNodegroupVersion: "If no version is
	// specified, then the Kubernetes version of the node group does not
	// change") and the provider reports no drift (aws_eks_node_group
	// version: drift detection only for a configured value). Allowed with a
	// launch template that names no AMI, as these (EKS API, CreateNodegroup
	// version: not with a custom AMI).
	ng.ref("version", "aws_eks_cluster."+id+".version")
	lt := ng.block("launch_template")
	lt.ref("id", "aws_launch_template."+name+".id")
	lt.ref("version", "aws_launch_template."+name+".latest_version")
	sc := ng.block("scaling_config")
	sc.num("min_size", size)
	sc.num("desired_size", size)
	sc.num("max_size", max)
	return ng
}

func nodeGroupTail(ng body, deps []string) {
	ng.block("update_config").num("max_unavailable", 1)
	lc := ng.block("lifecycle")
	lc.boolean("create_before_destroy", true)
	lc.raw("ignore_changes", tupleOf(ng.f.tr("scaling_config[0].desired_size")))
	ng.dependsOn(deps...)
}

// launchTemplate renders a node group's launch template: IMDSv2 only, with
// a hop limit of 1 so that pods (one network hop further than the node)
// cannot reach the node's instance metadata and take the node role's
// credentials (they use IRSA instead; EKS best practices, "Restrict access
// to the instance profile assigned to the worker node"); an encrypted gp3
// root volume.
func launchTemplate(t *model.Topology, r model.Region, f *file, name, tagName string) {
	lt := f.resource("aws_launch_template", name, rid(r))
	lt.str("name_prefix", tagName+"-")
	lt.str("description", "EKS nodes of "+tagName)
	md := lt.block("metadata_options")
	md.str("http_endpoint", "enabled")
	md.str("http_tokens", "required")
	md.num("http_put_response_hop_limit", 1)
	bd := lt.block("block_device_mappings")
	bd.str("device_name", rootDevice)
	ebs := bd.block("ebs")
	ebs.num("volume_size", rootVolumeGiB)
	ebs.str("volume_type", "gp3")
	ebs.boolean("encrypted", true)
	ebs.boolean("delete_on_termination", true)
	for _, typ := range []string{"instance", "volume"} {
		ts := lt.block("tag_specifications")
		ts.str("resource_type", typ)
		ts.tags("Name", tagName)
	}
	lt.block("lifecycle").boolean("create_before_destroy", true)
}

// regionMongods are the mongod members in region: the replica set's, or
// in the sharded mode every set's (the config servers, then each shard).
func regionMongods(t *model.Topology, region string) []model.Member {
	if t.Sharding == nil {
		return t.RegionMembers(region)
	}
	var out []model.Member
	for _, set := range t.Sharding.Sets() {
		out = append(out, set.RegionMembers(region)...)
	}
	return out
}
