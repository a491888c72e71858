package terraform

import (
	"github.com/topogen/topogen/schema"
)

// monitoring renders monitoring.tf: the SNS topic alerts go to and one
// alarm per region on its Route53 health check. Route53 publishes
// health-check metrics (AWS/Route53 HealthCheckStatus) in us-east-1 only,
// so both use the global provider pinned there (providers.go).
func monitoring(t *schema.Topology, f *file) {
	topic := f.resource("aws_sns_topic", "health_checks", globalAlias)
	topic.str("name", t.Name+"-health-checks")

	for _, r := range t.Regions {
		id := rid(r)
		a := f.resource("aws_cloudwatch_metric_alarm", id+"_health_check", globalAlias)
		a.str("alarm_name", t.Name+"-"+r.Name+"-health-check")
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
