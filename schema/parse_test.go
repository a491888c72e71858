package schema

import "testing"

func TestSplitPath(t *testing.T) {
	got := splitPath(`regions."../x".zones[2]`)
	want := []string{"regions", "../x", "zones", "2"}
	if len(got) != len(want) {
		t.Fatalf("%q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%q", got)
		}
	}
}

func TestLabelKey(t *testing.T) {
	for key, ok := range map[string]bool{
		"release": true, "example.com/team": true, "a.b-c.d/x_y.z": true, "A9": true,
		"": false, "bad key": false, "-x": false, "x-": false, "Example.com/x": false, "/x": false, "a/b/c": false,
		"x123456789012345678901234567890123456789012345678901234567890123": false, // 64-character name
	} {
		if got := isLabelKey(key); got != ok {
			t.Errorf("labelKey %q: got %v, want %v", key, got, ok)
		}
	}
}
