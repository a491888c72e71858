// Package goldenfile compares test output with a file checked in beside
// the test, or rewrites the file when the test runs with -update.
package goldenfile

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Check fails t when the file at path does not hold got; with update it
// writes got there instead. Each test package defines its own -update flag
// and passes its value.
func Check(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it); got:\n%s", err, got)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got); run the test with -update and read the diff:\n%s", path, d)
	}
}
