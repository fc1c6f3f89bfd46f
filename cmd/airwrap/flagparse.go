package main

import "time"

// parseValidTo reads --valid-to: a date alone (2027-06-30), which means
// midnight UTC at the start of that day, as the AWS CLI reads
// `--valid-to 2027-06-30` whatever the local time zone; or an RFC 3339 time.
// Whether it is in the future and at most 365 days ahead is checked with the
// rest of the request (kmsrules.CheckValidTo).
func parseValidTo(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("--valid-to %q is not a date like 2027-06-30 (midnight UTC at its start) or an RFC 3339 time like 2027-06-30T12:00:00Z", s)
	}
	return t, nil
}
