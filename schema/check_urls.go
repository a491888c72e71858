package schema

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/topogen/topogen/model"
)

// checkURLs rejects credentials written into a URL field: every generated
// file is committed to git and synced to clusters, so a token in
// delivery.repoURL ("https://x-access-token:…@github.com/…") would be
// copied into the Argo CD and Flux objects. An ssh user without a password
// (ssh://git@…, git@host:path) is a user name, not a secret, and stays
// allowed.
func (c *checker) checkURLs(t *model.Topology) {
	type field struct {
		path  []string
		value string
	}
	fields := []field{
		{[]string{"delivery", "repoURL"}, t.Delivery.RepoURL},
		{[]string{"monitoring", "runbookBaseURL"}, t.Monitoring.RunbookBaseURL},
	}
	for i, a := range t.Monitoring.Alertmanagers {
		fields = append(fields, field{[]string{"monitoring", "alertmanagers", strconv.Itoa(i)}, a})
	}
	for _, r := range t.Regions {
		fields = append(fields, field{[]string{"regions", r.Name, "cluster", "server"}, r.Cluster.Server},
			field{[]string{"regions", r.Name, "prometheus"}, r.Prometheus})
	}
	for _, f := range fields {
		if user, secret := urlCredentials(f.value); secret {
			fix := "remove the credentials from the URL and keep them in a Secret"
			if f.path[0] == "delivery" {
				fix += ": for Flux, delivery.gitSecret names a flux-system Secret with username and password; for Argo CD, a repository Secret in its namespace"
			}
			c.errorf(f.path, fix, "the URL carries credentials (%s…), which would be copied into the generated, committed files", user)
		}
	}
}

// urlCredentials reports whether s holds credentials in its userinfo:
// any userinfo in an http(s) URL (a token is often the user name alone),
// a password anywhere. It returns the user name's first characters.
func urlCredentials(s string) (string, bool) {
	if !strings.Contains(s, "@") {
		return "", false
	}
	shown := func(u string) string {
		if len(u) > 4 {
			return u[:4]
		}
		return u
	}
	if !strings.Contains(s, "://") {
		// scp-like ssh ("git@github.com:org/repo"): user@host:path.
		user, _, _ := strings.Cut(s, "@")
		return shown(user), strings.Contains(user, ":")
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return "", false
	}
	_, hasPassword := u.User.Password()
	httpLike := u.Scheme == "http" || u.Scheme == "https"
	return shown(u.User.Username()), hasPassword || httpLike
}
