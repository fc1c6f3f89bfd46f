package errmark

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWith(t *testing.T) {
	kind, base := errors.New("kind"), errors.New("what went wrong")
	err := With(base, kind)
	require.Equal(t, "what went wrong", err.Error(), "With: %q, Is(kind) %v, Is(base) %v", err, errors.Is(err, kind), errors.Is(err, base))
	require.ErrorIs(t, err, kind, "With: %q, Is(kind) %v, Is(base) %v", err, errors.Is(err, kind), errors.Is(err, base))
	require.ErrorIs(t, err, base, "With: %q, Is(kind) %v, Is(base) %v", err, errors.Is(err, kind), errors.Is(err, base))
	require.NoError(t, With(nil, kind), "With(nil) is not nil")
	u := err.(interface{ Unwrap() []error }).Unwrap()
	require.Len(t, u, 2, "Unwrap order %v", u)
	require.Equal(t, kind, u[0], "Unwrap order %v", u)
	require.Equal(t, base, u[1], "Unwrap order %v", u)
}
