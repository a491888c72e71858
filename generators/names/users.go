package names

// SecretTLSReloader holds the credentials (username, password) of the
// tls-reloader sidecar's user, which may only run rotateCertificates
// (hostManager), so the sidecar does not hold root's password.
const SecretTLSReloader = "mongodb-tls-reloader"
