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
