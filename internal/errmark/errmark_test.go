package errmark

import (
	"errors"
	"testing"
)

func TestWith(t *testing.T) {
	kind, base := errors.New("kind"), errors.New("what went wrong")
	err := With(base, kind)
	if err.Error() != "what went wrong" || !errors.Is(err, kind) || !errors.Is(err, base) {
		t.Fatalf("With: %q, Is(kind) %v, Is(base) %v", err, errors.Is(err, kind), errors.Is(err, base))
	}
	if With(nil, kind) != nil {
		t.Fatal("With(nil) is not nil")
	}
	if u := err.(interface{ Unwrap() []error }).Unwrap(); len(u) != 2 || u[0] != kind || u[1] != base {
		t.Fatalf("Unwrap order %v", u)
	}
}
