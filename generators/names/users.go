package names

// SecretTLSReloader holds the credentials (username, password) of the
// tls-reloader sidecar's user, which may only run rotateCertificates
// (hostManager), so the sidecar does not hold root's password.
const SecretTLSReloader = "mongodb-tls-reloader"

// SecretProbe holds the credentials (username, password) of the client
// probe's user: readWrite on ProbeDB and nothing else.
const SecretProbe = "mongodb-probe"

// The per-region client probe (generators/kubernetes/probe.go): its
// Deployment, Service, ServiceMonitor and job label share one name.
const (
	Probe = "mongodb-probe"
	// ProbeJob is the job label of the probe's series (the Service name,
	// prometheus-operator's default for a ServiceMonitor).
	ProbeJob = Probe
	// ProbePort serves the probe's /metrics.
	ProbePort = 9101
	// ProbeDB is the only database the probe user may touch.
	ProbeDB = "topogen_probe"
	// ProbeIntervalSecs: one majority write and one nearest read per
	// region every 10 s, three per 30 s scrape; the series are counters,
	// so no sample is lost between scrapes.
	ProbeIntervalSecs = 10
)

// Keys of every credential's JSON value in Secrets Manager (and of the
// Kubernetes Secret the ExternalSecret makes of it).
const (
	CredentialKeyUsername = "username"
	CredentialKeyPassword = "password"
)
