package verify

import (
	"fmt"
	"time"
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
		case validTo.After(now.Add(MaxValidToDays * 24 * time.Hour)):
			return fmt.Errorf("%w: %s is more than %d days ahead", ErrValidTo, validTo.UTC().Format(time.RFC3339), MaxValidToDays)
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
