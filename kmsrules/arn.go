package kmsrules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// ARN is a parsed KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>.
type ARN struct {
	Partition string
	Region    string
	Account   string
	KeyID     string // a UUID, or mrk- and 32 hex digits for a multi-Region key
}

// partitions are the AWS partitions KMS runs in.
var partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// Partitions are the AWS partitions KMS runs in (a fresh copy).
func Partitions() []string { return slices.Clone(partitions) }

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	keyIDRE   = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
)

// ParseARN parses a KMS key ARN. Alias ARNs and bare key ids are refused:
// an import names exactly one key.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, fmt.Errorf("%w: %q (want arn:aws:kms:<region>:<account>:key/<key id>)", ErrARN, s)
	}
	a := ARN{Partition: parts[1], Region: parts[3], Account: parts[4]}
	var problems []string
	if !slices.Contains(partitions, a.Partition) {
		problems = append(problems, fmt.Sprintf("unknown partition %q", a.Partition))
	}
	if parts[2] != "kms" {
		problems = append(problems, fmt.Sprintf("service is %q, not kms", parts[2]))
	}
	if !regionRE.MatchString(a.Region) {
		problems = append(problems, fmt.Sprintf("bad Region %q", a.Region))
	}
	if !accountRE.MatchString(a.Account) {
		problems = append(problems, fmt.Sprintf("account %q is not 12 digits", a.Account))
	}
	switch res := parts[5]; {
	case strings.HasPrefix(res, "alias/"):
		problems = append(problems, "an alias ARN: give the key ARN (aws kms describe-key shows it)")
	case !strings.HasPrefix(res, "key/"):
		problems = append(problems, fmt.Sprintf("resource %q is not key/<key id>", res))
	case !keyIDRE.MatchString(strings.TrimPrefix(res, "key/")):
		problems = append(problems, fmt.Sprintf("key id %q is not a lowercase UUID or mrk-<32 hex>", strings.TrimPrefix(res, "key/")))
	default:
		a.KeyID = strings.TrimPrefix(res, "key/")
	}
	if len(problems) > 0 {
		return ARN{}, fmt.Errorf("%w: %q: %s", ErrARN, s, strings.Join(problems, "; "))
	}
	return a, nil
}

// String is the ARN text.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":kms:" + a.Region + ":" + a.Account + ":key/" + a.KeyID
}

// MultiRegion reports whether the key id is a multi-Region key's (mrk-).
func (a ARN) MultiRegion() bool { return strings.HasPrefix(a.KeyID, "mrk-") }

// CheckRegion checks that s has the form of an AWS Region name (eu-west-2).
func CheckRegion(s string) error {
	if !regionRE.MatchString(s) {
		return fmt.Errorf("%w: %q (want e.g. eu-west-2)", ErrRegion, s)
	}
	return nil
}
