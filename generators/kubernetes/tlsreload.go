package kubernetes

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/sizing"
)

const (
	tlsReloaderContainer = "tls-reloader"
	// tlsReloadCheckSecs: how often the reloader compares the mounted
	// certificate with the one mongod loaded. cert-manager renews
	// renewBefore (30 days) ahead of expiry, and the kubelet updates a
	// Secret volume within about a minute, so minutes do not matter.
	tlsReloadCheckSecs = 300
)

// tlsReloaderScript keeps mongod's certificates current. cert-manager
// renews the region's Certificate (and may rotate the CA) into the Secret
// mounted at tlsDir, but mongod reads its PEM (certificate and key joined,
// built from the Secret at pod start) and the CA file only at startup or
// on the rotateCertificates command (MongoDB 5.0+, hostManager role). So
// when the Secret's files change, the script rebuilds the PEM beside the
// old one, renames it into place and asks mongod to reload; a failed
// reload (say, a key read mid-update) is retried at the next check.
// `sleep & wait` lets the TERM trap end the container at once.
func tlsReloaderScript(tlsDir, pemFile, mongosh, credsDir string, everySecs int) string {
	return fmt.Sprintf(`set -u
trap 'exit 0' TERM
tls=%[1]s
pem=%[2]s
fingerprint() { cat "$tls/tls.crt" "$tls/tls.key" "$tls/ca.crt" | cksum; }
loaded=$(fingerprint)
while sleep %[4]d & wait $!; do
  current=$(fingerprint)
  [ "$current" = "$loaded" ] && continue
  rm -f "$pem.new"
  cat "$tls/tls.crt" "$tls/tls.key" > "$pem.new" && chmod 0400 "$pem.new" && mv -f "$pem.new" "$pem" || continue
  if %[3]s --eval '%[5]sdb.adminCommand({rotateCertificates: 1, message: "tls-reloader: certificate renewed"})'; then
    loaded=$current
    echo "tls-reloader: mongod reloaded its certificates"
  else
    echo "tls-reloader: rotateCertificates failed; retrying in %[4]d s" >&2
  fi
done
`, tlsDir, pemFile, mongosh, everySecs, authFromFiles(credsDir))
}

// authFromFiles is mongosh JavaScript that logs in as the user whose
// Secret is mounted at dir: the password is read inside mongosh, never
// passed on its command line (/proc/<pid>/cmdline is world-readable).
func authFromFiles(dir string) string {
	return `const fs = require("fs"); const cred = (f) => fs.readFileSync("` + dir + `/" + f, "utf8").trim(); ` +
		`db.getSiblingDB("admin").auth(cred("` + keyUsername + `"), cred("` + keyPassword + `")); `
}

// authFromEnv logs in as root from the mongod container's environment (the
// image entrypoint's MONGO_INITDB_ROOT_* variables), read inside mongosh.
const authFromEnv = `db.getSiblingDB("admin").auth(process.env.MONGO_INITDB_ROOT_USERNAME, process.env.MONGO_INITDB_ROOT_PASSWORD); `

// tlsReloaderCreds is where the tls-reloader user's Secret is mounted.
const tlsReloaderCreds = "/etc/mongodb/users/" + names.SecretTLSReloader

// tlsReloader is the sidecar running tlsReloaderScript as the
// tls-reloader user (hostManager only: rotateCertificates; replset.Users),
// not root.
func tlsReloader(t *model.Topology) corev1.Container {
	return corev1.Container{
		Name:    tlsReloaderContainer,
		Image:   t.MongoDB.Image,
		Command: []string{"sh", "-c", tlsReloaderScript(tlsDir, pemFile, mongoshLocal(t), tlsReloaderCreds, tlsReloadCheckSecs)},
		Env: []corev1.EnvVar{
			{Name: "HOME", Value: tmpDir},
		},
		// mongosh (Node.js), a few seconds per renewal (sizing.TLSReloader).
		Resources: guaranteed(sizing.TLSReloader),
		VolumeMounts: []corev1.VolumeMount{
			{Name: "tls", MountPath: tlsDir, ReadOnly: true},
			{Name: "pem", MountPath: pemDir},
			{Name: "tmp", MountPath: tmpDir},
			{Name: tlsReloaderVolume, MountPath: tlsReloaderCreds, ReadOnly: true},
		},
		SecurityContext: restrictedContainer(),
	}
}

const tlsReloaderVolume = "tls-reloader-user"
