package main

import "time"

// parseValidTo reads --valid-to: an RFC 3339 time. Whether it is in the
// future and at most 365 days ahead is checked with the rest of the request.
func parseValidTo(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("--valid-to %q is not an RFC 3339 time like 2027-06-30T00:00:00Z", s)
	}
	return t, nil
}
