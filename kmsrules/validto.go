package kmsrules

import (
	"fmt"
	"time"
)

// Expiration models of imported key material, and how far ahead ValidTo may be.
const (
	ExpiresModel       = "KEY_MATERIAL_EXPIRES"
	DoesNotExpireModel = "KEY_MATERIAL_DOES_NOT_EXPIRE"
	MaxValidToDays     = 365
)

// CheckValidTo checks ValidTo against the expiration model as KMS does:
// KEY_MATERIAL_EXPIRES needs a ValidTo after now and at most 365 days ahead;
// KEY_MATERIAL_DOES_NOT_EXPIRE forbids one.
func CheckValidTo(model string, validTo *time.Time, now time.Time) error {
	switch model {
	case ExpiresModel:
		switch {
		case validTo == nil:
			return fmt.Errorf("%w: %s needs a ValidTo (give --valid-to, or --no-expiry for %s)", ErrValidTo, model, DoesNotExpireModel)
		case !validTo.After(now):
			return fmt.Errorf("%w: %s is not in the future", ErrValidTo, validTo.UTC().Format(time.RFC3339))
		case validTo.After(LatestValidTo(now)):
			latest := LatestValidTo(now)
			return fmt.Errorf("%w: %s is more than %d days ahead: the latest allowed now is %s (as a date alone, %s)", ErrValidTo, validTo.UTC().Format(time.RFC3339), MaxValidToDays,
				latest.Format(time.RFC3339), latest.Format(time.DateOnly))
		}
	case DoesNotExpireModel:
		if validTo != nil {
			return fmt.Errorf("%w: %s takes no ValidTo", ErrValidTo, model)
		}
	default:
		return fmt.Errorf("%w: unknown expiration model %q (want %s or %s)", ErrValidTo, model, ExpiresModel, DoesNotExpireModel)
	}
	return nil
}

// LatestValidTo is the latest ValidTo KMS accepts at now: MaxValidToDays
// ahead, in UTC. A date alone (midnight UTC at its start) is
// allowed up to the date of this time.
func LatestValidTo(now time.Time) time.Time {
	return now.Add(MaxValidToDays * 24 * time.Hour).UTC()
}

// SoonValidTo is how far ahead a ValidTo must be not to be warned about: the
// bundle is carried back across the air gap and imported later, and KMS
// refuses a ValidTo already past, then the material expires soon after.
const SoonValidTo = 24 * time.Hour

// ValidToWarning says why an acceptable ValidTo may still be a mistake: less
// than SoonValidTo ahead. It is "" when there is nothing to say.
func ValidToWarning(validTo *time.Time, now time.Time) string {
	if validTo == nil || !validTo.After(now) || validTo.Sub(now) >= SoonValidTo {
		return ""
	}
	return fmt.Sprintf("ValidTo %s is less than a day ahead (%s left): the import may happen later than that, and the key material stops working then", validTo.UTC().Format(time.RFC3339), validTo.Sub(now).Round(time.Minute))
}

// ParseValidTo reads a ValidTo as an operator writes it: a date alone
// (2027-06-30), which means midnight UTC at the start of that day, as the
// AWS CLI reads `--valid-to 2027-06-30` whatever the local time zone; or an
// RFC 3339 time. Whether it is acceptable is CheckValidTo's question.
func ParseValidTo(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2027-06-30 (midnight UTC at its start) or an RFC 3339 time like 2027-06-30T12:00:00Z", s)
	}
	return t, nil
}
