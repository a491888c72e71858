package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/topogen/topogen/internal/watchdog"
)

// loadBudget bounds loading and checking a topology. The default topology
// takes ~0.1 s and ~50 MiB; the seven-region golden case a little more.
// An input that needs 20× that is pathological (a one-line
// list.Range(0, 20000000, 1) otherwise ends in "fatal error: out of
// memory" and a goroutine dump).
// TOPOGEN_LOAD_HEAP_MIB (whole MiB) and TOPOGEN_LOAD_SECONDS (seconds, a
// fraction allowed: 0.25) override it (tests, or a very slow machine);
// an unset, malformed or non-positive value keeps the default.
var loadBudget = watchdog.Budget{Heap: envInt("TOPOGEN_LOAD_HEAP_MIB", 1024) << 20, Time: envSeconds("TOPOGEN_LOAD_SECONDS", 30*time.Second)}

func envInt(name string, def uint64) uint64 {
	if n, err := strconv.ParseUint(os.Getenv(name), 10, 32); err == nil && n > 0 {
		return n
	}
	return def
}

// envSeconds reads a duration in seconds, to the millisecond; whole
// seconds accepted as before (up to 2^32-1).
func envSeconds(name string, def time.Duration) time.Duration {
	s, err := strconv.ParseFloat(os.Getenv(name), 64)
	if err != nil || !(s >= 0.001 && s <= math.MaxUint32) {
		return def
	}
	return time.Duration(s*1000) * time.Millisecond
}

// bigValue matches the CUE constructs that can build huge values: a list
// package call, a comprehension, strings.Repeat.
var bigValue = regexp.MustCompile(`\blist\.\w+\(|\bfor\s+\w+(\s*,\s*\w+)?\s+in\b|strings\.Repeat\(`)

// watchLoad starts the watchdog over loading the topology in dir; when the
// budget runs out it prints one diagnostic naming the files that can
// build large values and exits 2.
func watchLoad(dir string, stderr io.Writer) (stop func()) {
	return watchdog.Start(loadBudget, func(what string) {
		limit := fmt.Sprintf("more than %d MiB of memory", loadBudget.Heap>>20)
		if what == "time" {
			limit = fmt.Sprintf("more than %s", loadBudget.Time)
		}
		fmt.Fprintf(stderr, "%s: evaluating the topology needs %s (a topology of seven regions needs a fraction of that): it is too large or pathological; look for a huge list, a list.Range or a comprehension, or a recursive definition%s\n",
			filepath.ToSlash(dir), limit, suspects(dir))
		os.Exit(exitInvalid)
	})
}

// suspects names the topology's files that hold constructs able to build
// huge values, as " in a.cue, b.cue"; "" when none does.
func suspects(dir string) string {
	names, _ := filepath.Glob(filepath.Join(dir, "*.cue"))
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			continue
		}
		if bigValue.Match(b) {
			out = append(out, filepath.ToSlash(n))
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return ""
	}
	return " in " + strings.Join(out, ", ")
}
