package main

import (
	"time"

	"github.com/airwrap/airwrap/ceremony"
)

// parseValidTo reads --valid-to (ceremony.ParseValidTo); a bad value is bad usage.
func parseValidTo(s string) (time.Time, error) {
	t, err := ceremony.ParseValidTo(s)
	if err != nil {
		return time.Time{}, usagef("--valid-to %v", err)
	}
	return t, nil
}
