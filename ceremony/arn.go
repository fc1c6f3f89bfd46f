package ceremony

import (
	"fmt"
	"regexp"
)

// kmsKeyARN matches arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID.
var kmsKeyARN = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):kms:([a-z0-9-]+):([0-9]{12}):key/([A-Za-z0-9-]{1,128})$`)

// keyARN is a parsed KMS key ARN.
type keyARN struct {
	Region, Account, KeyID string
}

func parseKeyARN(s string) (keyARN, error) {
	m := kmsKeyARN.FindStringSubmatch(s)
	if m == nil {
		return keyARN{}, fmt.Errorf("%q is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)", s)
	}
	return keyARN{Region: m[2], Account: m[3], KeyID: m[4]}, nil
}
