package terraform

import (
	"strconv"

	"github.com/topogen/topogen/model"
)

// monitoring renders monitoring.tf: the SNS topic alerts go to and one
// alarm per region on its Route53 health check. Route53 publishes
// health-check metrics (AWS/Route53 HealthCheckStatus) in us-east-1 only,
// so both use the global provider pinned there (providers.go).
func monitoring(t *model.Topology, f *file) {
	alertsKey(t, f)
	topic := f.resource("aws_sns_topic", "health_checks", globalAlias)
	topic.str("name", t.Name+"-health-checks")
	topic.ref("kms_master_key_id", "aws_kms_key.alerts.arn")

	for i, s := range t.Terraform.AlarmSubscriptions {
		sub := f.resource("aws_sns_topic_subscription", "health_checks_"+strconv.Itoa(i), globalAlias)
		sub.ref("topic_arn", "aws_sns_topic.health_checks.arn")
		sub.str("protocol", s.Protocol)
		sub.str("endpoint", s.Endpoint)
	}

	for _, r := range t.Regions {
		id := rid(r)
		a := f.resource("aws_cloudwatch_metric_alarm", id+"_health_check", globalAlias)
		a.str("alarm_name", model.RegionalName(t.Name, r.Name)+"-health-check")
		a.str("alarm_description", "Route53 health check of "+regionalEndpoint(t, r)+" is failing: geolocation DNS sends "+r.Name+"'s clients to the default region")
		a.str("namespace", "AWS/Route53")
		a.str("metric_name", "HealthCheckStatus")
		a.str("statistic", "Minimum")
		a.num("period", 60)
		a.num("evaluation_periods", 2)
		a.str("comparison_operator", "LessThanThreshold")
		a.num("threshold", 1)
		// No data means Route53 stopped reporting: treat as unhealthy.
		a.str("treat_missing_data", "breaching")
		a.raw("dimensions", objectOf(attr{"HealthCheckId", f.tr("aws_route53_health_check." + id + ".id")}))
		a.refs("alarm_actions", "aws_sns_topic.health_checks.arn")
		a.refs("ok_actions", "aws_sns_topic.health_checks.arn")
	}
}

// alertsKey renders the KMS key encrypting the alert topic. Not the AWS
// managed alias/aws/sns key: CloudWatch alarms cannot publish to a topic
// encrypted with it, because its policy cannot be changed to let
// cloudwatch.amazonaws.com use it (SNS Developer Guide, "Configure AWS KMS
// permissions for AWS services"). The account keeps administering the key
// (the default key policy's statement).
func alertsKey(t *model.Topology, f *file) {
	d := f.data("aws_iam_policy_document", "alerts_key", globalAlias)
	root := d.block("statement")
	root.str("sid", "AccountAdministersKey")
	root.strs("actions", "kms:*")
	root.tfsecIgnore(ruleWildcard, "A key policy's resource is the key itself (\"*\" in a key policy); the account keeps full control of its key, as in the default key policy.")
	root.val("resources", strList("*"))
	pr := root.block("principals")
	pr.str("type", "AWS")
	pr.strs("identifiers", "arn:aws:iam::"+t.Terraform.AccountID+":root")
	cw := d.block("statement")
	cw.str("sid", "CloudWatchPublishes")
	cw.strs("actions", "kms:Decrypt", "kms:GenerateDataKey*")
	cw.tfsecIgnore(ruleWildcard, "A key policy's resource is the key itself; CloudWatch may only decrypt and generate data keys.")
	cw.val("resources", strList("*"))
	cp := cw.block("principals")
	cp.str("type", "Service")
	cp.strs("identifiers", "cloudwatch.amazonaws.com")

	k := f.resource("aws_kms_key", "alerts", globalAlias)
	k.str("description", "Encrypts the "+t.Name+" health-check alert topic")
	k.boolean("enable_key_rotation", true)
	k.num("deletion_window_in_days", 30)
	k.ref("policy", "data.aws_iam_policy_document.alerts_key.json")
}
