package model

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FormatDuration writes d in the topology's duration form, the inverse of
// ParseDuration: the largest of d, h, m, s, ms that divides it ("30d",
// "5m", "250ms"); 0 is "0s".
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%(24*time.Hour) == 0:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
}

// ParseDuration parses the topology's duration form: digits and one unit of
// ms, s, m, h or d.
func ParseDuration(s string) (time.Duration, error) {
	unit := strings.TrimLeft(s, "0123456789")
	num := strings.TrimSuffix(s, unit)
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	var u time.Duration
	switch unit {
	case "ms":
		u = time.Millisecond
	case "s":
		u = time.Second
	case "m":
		u = time.Minute
	case "h":
		u = time.Hour
	case "d":
		u = 24 * time.Hour
	default:
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	if n > int64((1<<63-1)/u) {
		return 0, fmt.Errorf("duration %q too large", s)
	}
	return time.Duration(n) * u, nil
}
