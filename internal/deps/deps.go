//go:build tools

// Package deps pins the project's dependencies in go.mod while the packages
// that use them are being written; it is never built.
package deps

import (
	_ "github.com/ThalesGroup/crypto11"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/service/kms"
	_ "github.com/aws/smithy-go"
	_ "github.com/miekg/pkcs11"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/secure-systems-lab/go-securesystemslib/dsse"
	_ "github.com/stretchr/testify/require"
	_ "github.com/urfave/cli/v2"
	_ "golang.org/x/term"
)
