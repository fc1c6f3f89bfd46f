package kmsrules

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A date alone is midnight UTC at its start, as the AWS CLI reads it.
func TestParseValidTo(t *testing.T) {
	got, err := ParseValidTo("2027-01-31")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), got)
	assert.Equal(t, int64(1801353600), got.Unix(), "the AWS CLI sends 1801353600 for 2027-01-31")

	got, err = ParseValidTo("2027-06-30T12:00:00+02:00")
	require.NoError(t, err)
	assert.True(t, got.Equal(time.Date(2027, 6, 30, 10, 0, 0, 0, time.UTC)))

	for _, bad := range []string{"", "2027-1-31", "31/01/2027", "2027-01-31T00:00:00", "tomorrow"} {
		_, err := ParseValidTo(bad)
		assert.Error(t, err, "%q", bad)
	}
}
