// Command fakesecretsmanager is the loopback AWS Secrets Manager endpoint
// of scripts/validate-terraform.sh's offline plan.
//
// The global stack opens ephemeral "aws_secretsmanager_random_password"
// resources, and Terraform opens ephemeral resources during plan: the
// provider calls GetRandomPassword (Secrets Manager API, JSON 1.1
// protocol: POST /, X-Amz-Target: secretsmanager.GetRandomPassword, the
// response {"RandomPassword": "..."}). Offline there is no AWS; the script
// points the provider's endpoints.secretsmanager at this server, which
// answers that one operation with a fixed, obviously fake value and
// refuses every other one (any other call in an offline plan is a bug the
// plan should report).
//
// It also answers, on the same port, the Route 53 reads of a public zone
// looked up by name (route53.go), for the zones named after PASSWORD.
//
// Usage: fakesecretsmanager ADDRFILE [PASSWORD [ZONE...]] — listens on
// 127.0.0.1, a free port, writes "http://127.0.0.1:PORT" to ADDRFILE once
// it accepts connections, and serves until killed, answering PASSWORD (so
// the caller can check it never reaches a plan). Each request is logged
// to stderr.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
)

// Password is what every GetRandomPassword returns.
var Password = "offline-plan-not-a-password"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fakesecretsmanager ADDRFILE [PASSWORD [ZONE...]]")
		os.Exit(2)
	}
	if len(os.Args) >= 3 {
		Password = os.Args[2]
		Zones = os.Args[3:]
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	if err := os.WriteFile(os.Args[1]+".tmp", []byte(addr+"\n"), 0o600); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(os.Args[1]+".tmp", os.Args[1]); err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(ln, http.HandlerFunc(Handle)))
}

// Handle answers one Secrets Manager or Route 53 API request.
func Handle(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/2013-04-01/") {
		HandleRoute53(w, r)
		return
	}
	target := r.Header.Get("X-Amz-Target")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	log.Printf("fakesecretsmanager: %s %s", target, body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if r.Method != http.MethodPost || target != "secretsmanager.GetRandomPassword" {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"__type":  "InvalidRequestException",
			"message": "the offline plan's fake Secrets Manager answers GetRandomPassword only, not " + target,
		})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"RandomPassword": Password})
}
