package terraform

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// netBasics renders what a VPC needs beyond routing (issue 12, item 8):
//   - an S3 gateway endpoint on the private route tables, so backups reach
//     the region's bucket without crossing the NAT gateways (no data
//     processing charge, no internet path; VPC User Guide, "Gateway
//     endpoints for Amazon S3");
//   - flow logs of all traffic to a CloudWatch log group with the
//     topology's retention, encrypted with a key of the region;
//   - the default security group emptied: aws_default_security_group with
//     no ingress or egress block removes every rule of the VPC's default
//     group (hashicorp/aws docs, aws_default_security_group), so nothing
//     placed in it by default can talk.
func netBasics(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	var tables []string
	for _, s := range subnets(r, model.Private) {
		tables = append(tables, "aws_route_table."+privateRouteTable(r, s.Zone)+".id")
	}
	ep := f.resource("aws_vpc_endpoint", id+"_s3", id)
	ep.ref("vpc_id", "aws_vpc."+id+".id")
	ep.str("service_name", "com.amazonaws."+r.CloudRegion+".s3")
	ep.str("vpc_endpoint_type", "Gateway")
	ep.refs("route_table_ids", tables...)
	ep.tags("Name", names.VPC(t, r)+"-s3")

	dsg := f.resource("aws_default_security_group", id, id)
	dsg.ref("vpc_id", "aws_vpc."+id+".id")
	dsg.tags("Name", names.VPC(t, r)+"-default-unused")

	flowLogs(t, r, f)
}

// flowLogs renders the VPC's flow logs, their log group, its KMS key and
// the role the flow logs service writes with.
func flowLogs(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	group := "/aws/vpc/" + names.VPC(t, r) + "/flow-logs"
	groupARN := "arn:aws:logs:" + r.CloudRegion + ":" + t.Terraform.AccountID + ":log-group:" + group

	// CloudWatch Logs encrypts with the key only if the key policy lets
	// logs.<region>.amazonaws.com use it for this log group (CloudWatch
	// Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS
	// KMS": the kms:EncryptionContext:aws:logs:arn condition).
	kp := f.data("aws_iam_policy_document", id+"_flow_logs_key", id)
	root := kp.block("statement")
	root.str("sid", "AccountAdministersKey")
	root.strs("actions", "kms:*")
	// A key policy's resource "*" is the key itself.
	root.val("resources", strList("*"))
	pr := root.block("principals")
	pr.str("type", "AWS")
	pr.strs("identifiers", "arn:aws:iam::"+t.Terraform.AccountID+":root")
	lg := kp.block("statement")
	lg.str("sid", "CloudWatchLogsEncrypts")
	lg.strs("actions", "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*")
	lg.val("resources", strList("*"))
	lp := lg.block("principals")
	lp.str("type", "Service")
	lp.strs("identifiers", "logs."+r.CloudRegion+".amazonaws.com")
	c := lg.block("condition")
	c.str("test", "ArnEquals")
	c.str("variable", "kms:EncryptionContext:aws:logs:arn")
	c.strs("values", groupARN)

	k := f.resource("aws_kms_key", id+"_flow_logs", id)
	k.str("description", "Encrypts the flow logs of VPC "+names.VPC(t, r))
	k.boolean("enable_key_rotation", true)
	k.num("deletion_window_in_days", 30)
	k.ref("policy", "data.aws_iam_policy_document."+id+"_flow_logs_key.json")

	g := f.resource("aws_cloudwatch_log_group", id+"_flow_logs", id)
	g.str("name", group)
	g.num("retention_in_days", t.Terraform.FlowLogRetentionDays)
	g.ref("kms_key_id", "aws_kms_key."+id+"_flow_logs.arn")

	// The role the flow logs service assumes to write (VPC User Guide,
	// "IAM role for publishing flow logs to CloudWatch Logs"), limited to
	// this log group and its streams.
	f.serviceRole(id+"_flow_logs", id, flowLogsRole(t, r), "vpc-flow-logs.amazonaws.com")
	f.inlinePolicy(id+"_flow_logs", id, "flow-logs", func(pol body) {
		st := pol.block("statement")
		st.str("sid", "WriteFlowLogs")
		st.strs("actions", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams")
		st.tfsecIgnore(ruleWildcard, "The log streams of this VPC's flow-log group: a stream ARN is <group ARN>:log-stream:<name>, so the group's streams need a wildcard.")
		st.raw("resources", tupleOf(f.tr("aws_cloudwatch_log_group."+id+"_flow_logs.arn"), template(f.tr("aws_cloudwatch_log_group."+id+"_flow_logs.arn"), ":*")))
	})

	fl := f.resource("aws_flow_log", id, id)
	fl.ref("vpc_id", "aws_vpc."+id+".id")
	fl.str("traffic_type", "ALL")
	fl.str("log_destination_type", "cloud-watch-logs")
	fl.ref("log_destination", "aws_cloudwatch_log_group."+id+"_flow_logs.arn")
	fl.ref("iam_role_arn", "aws_iam_role."+id+"_flow_logs.arn")
	fl.num("max_aggregation_interval", 60)
	fl.tags("Name", names.VPC(t, r))
}

func flowLogsRole(t *model.Topology, r model.Region) string {
	return names.VPC(t, r) + "-flow-logs"
}
