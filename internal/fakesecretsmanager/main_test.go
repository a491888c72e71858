package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHandle(t *testing.T) {
	for _, c := range []struct {
		target string
		code   int
		key    string
	}{
		{"secretsmanager.GetRandomPassword", 200, "RandomPassword"},
		{"secretsmanager.GetSecretValue", 400, "__type"},
		{"", 400, "__type"},
	} {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"PasswordLength":32}`))
		req.Header.Set("X-Amz-Target", c.target)
		rec := httptest.NewRecorder()
		Handle(rec, req)
		var got map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v", c.target, err)
		}
		if rec.Code != c.code || got[c.key] == "" {
			t.Errorf("%q: %d %v, want %d with %s", c.target, rec.Code, got, c.code, c.key)
		}
	}
}

// The Route 53 reads answer the named zones (as public, with name
// servers) and nothing else.
func TestHandleRoute53(t *testing.T) {
	Zones = []string{"tiny.example.org"}
	for _, c := range []struct {
		path string
		code int
		want string
	}{
		{"/2013-04-01/hostedzone", 200, "<Name>tiny.example.org.</Name>"},
		{"/2013-04-01/hostedzone/ZOFFLINE0", 200, "<NameServer>ns-1.offline.invalid</NameServer>"},
		{"/2013-04-01/tags/hostedzone/ZOFFLINE0", 200, "<ResourceId>ZOFFLINE0</ResourceId>"},
		{"/2013-04-01/hostedzone/ZOFFLINE1", 400, "InvalidInput"},
		{"/2013-04-01/hostedzone/ZOFFLINE0/rrset", 400, "InvalidInput"},
	} {
		rec := httptest.NewRecorder()
		Handle(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d %s, want %d with %s", c.path, rec.Code, rec.Body, c.code, c.want)
		}
	}
}
