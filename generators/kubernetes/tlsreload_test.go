package kubernetes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The reloader script, run by sh with stub sleep and mongosh: the first
// wait sees a renewed certificate (rebuild the PEM, call
// rotateCertificates), the second a failed reload (retried), the third
// nothing new; the fourth ends the loop.
func TestTLSReloaderScript(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	tls, bin := filepath.Join(dir, "tls"), filepath.Join(dir, "bin")
	for _, d := range []string{tls, bin} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(tls, "tls.crt"), "old cert\n", 0o644)
	write(filepath.Join(tls, "tls.key"), "old key\n", 0o644)
	write(filepath.Join(tls, "ca.crt"), "ca\n", 0o644)
	pem := filepath.Join(dir, "mongod.pem")
	write(pem, "old cert\nold key\n", 0o400)

	// sleep: call 1 renews the certificate, calls 2 and 3 change nothing,
	// call 4 fails, which ends the loop. mongosh: fails on its first call.
	write(filepath.Join(bin, "sleep"), `#!/bin/sh
n=$(cat "$STATE/sleeps" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$STATE/sleeps"
case $n in
1) printf 'new cert\n' > "$TLS/tls.crt"; printf 'new key\n' > "$TLS/tls.key" ;;
4) exit 1 ;;
esac
`, 0o755)
	write(filepath.Join(bin, "mongosh"), `#!/bin/sh
echo "$@" >> "$STATE/mongosh"
cp "$PEM" "$STATE/pem-at-reload"
n=$(wc -l < "$STATE/mongosh")
[ "$n" -gt 1 ]
`, 0o755)

	cmd := exec.Command("sh", "-c", tlsReloaderScript(tls, pem, "mongosh --quiet --tls", "/etc/mongodb/users/r", 7))
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "STATE="+dir, "TLS="+tls, "PEM="+pem,
		"ADMIN_USERNAME=admin", "ADMIN_PASSWORD=secret")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("script: %v\n%s", err, out)
	}
	calls, _ := os.ReadFile(filepath.Join(dir, "mongosh"))
	lines := strings.Split(strings.TrimSpace(string(calls)), "\n")
	if len(lines) != 2 {
		t.Fatalf("mongosh ran %d times, want 2 (a failed reload, then its retry):\n%s\noutput:\n%s", len(lines), calls, out)
	}
	for _, l := range lines {
		if !strings.Contains(l, "rotateCertificates: 1") || !strings.Contains(l, `fs.readFileSync("/etc/mongodb/users/r/" + f`) || strings.Contains(l, "--password") || strings.Contains(l, "secret") {
			t.Errorf("mongosh call %q: want rotateCertificates with credentials read from /etc/mongodb/users/r, none on the command line", l)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "pem-at-reload")); string(got) != "new cert\nnew key\n" {
		t.Errorf("PEM at reload = %q, want the renewed certificate and key", got)
	}
	if fi, err := os.Stat(pem); err != nil || fi.Mode().Perm() != 0o400 {
		t.Errorf("PEM mode: %v %v, want 0400", fi.Mode(), err)
	}
	if _, err := os.Stat(pem + ".new"); !os.IsNotExist(err) {
		t.Errorf("%s.new left behind", pem)
	}
	for _, want := range []string{"rotateCertificates failed; retrying in 7 s", "mongod reloaded its certificates"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
