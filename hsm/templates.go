package hsm

import "github.com/miekg/pkcs11"

// Attribute templates, written out in full, one commented line per attribute.

// tokenKeyAttrs are the attributes every key airwrap generates for import
// carries: a persistent, private, sensitive but extractable token object.
func tokenKeyAttrs(label string, id []byte) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),       // persistent on the token
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),     // visible only after login
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, true),   // CKA_VALUE never readable in the clear
		pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true), // may leave the HSM, wrapped only (C_WrapKey)
		pkcs11.NewAttribute(pkcs11.CKA_MODIFIABLE, false), // attributes fixed after creation
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, label),      // unique on the token (checked before)
		pkcs11.NewAttribute(pkcs11.CKA_ID, id),            // 16 random bytes from the token's RNG
	}
}

// aesTemplate is a SYMMETRIC_DEFAULT key (plus tokenKeyAttrs).
func aesTemplate(n int) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY), // a secret key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),     // AES
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, n),                 // 32 bytes: AES-256
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, true),                // check value: AES-ECB of a zero block
		pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, false),               // no use on the HSM side
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, false),                  // not a wrapping key
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),                // not an unwrapping key
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, false),                  // no MACs
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, false),                // no MACs
		pkcs11.NewAttribute(pkcs11.CKA_DERIVE, false),                // no derivation
	}
}

// hmacTemplate is an HMAC_* key of n bytes (plus tokenKeyAttrs).
func hmacTemplate(n int) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),        // a secret key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_GENERIC_SECRET), // generic secret: HMAC
		pkcs11.NewAttribute(pkcs11.CKA_VALUE_LEN, n),                        // 28/32/48/64 bytes
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),                          // MACs: check value, proof for KMS GenerateMac
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),                        // MAC verification
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, false),                      // no encryption
		pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, false),                      // no decryption
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, false),                         // not a wrapping key
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),                       // not an unwrapping key
		pkcs11.NewAttribute(pkcs11.CKA_DERIVE, false),                       // no derivation
	}
}

// importablePrivate is the private half of an importable key pair (plus tokenKeyAttrs).
func importablePrivate(keyType uint) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PRIVATE_KEY), // a private key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, keyType),             // CKK_RSA or CKK_EC
		pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),                    // signatures (proof against KMS GetPublicKey/Verify)
		pkcs11.NewAttribute(pkcs11.CKA_DECRYPT, false),                // no decryption
		pkcs11.NewAttribute(pkcs11.CKA_UNWRAP, false),                 // not an unwrapping key
		pkcs11.NewAttribute(pkcs11.CKA_DERIVE, false),                 // no ECDH
	}
}

// rsaPublicTemplate is the public half of an RSA key pair (plus label and id).
func rsaPublicTemplate(bits int) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY),     // a public key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_RSA),         // RSA
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),                      // persistent: its SPKI is the check value
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, false),                   // readable without login
		pkcs11.NewAttribute(pkcs11.CKA_MODULUS_BITS, bits),               // 2048/3072/4096
		pkcs11.NewAttribute(pkcs11.CKA_PUBLIC_EXPONENT, []byte{1, 0, 1}), // e = 65537
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),                     // signature verification
		pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, false),                   // no encryption
		pkcs11.NewAttribute(pkcs11.CKA_WRAP, false),                      // not a wrapping key
		pkcs11.NewAttribute(pkcs11.CKA_MODIFIABLE, false),                // attributes fixed after creation
	}
}

// ecPublicTemplate is the public half of an EC key pair (plus label and id).
func ecPublicTemplate(c curve) []*pkcs11.Attribute {
	return []*pkcs11.Attribute{
		pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_PUBLIC_KEY), // a public key
		pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_EC),      // EC
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),                  // persistent: its SPKI is the check value
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, false),               // readable without login
		pkcs11.NewAttribute(pkcs11.CKA_EC_PARAMS, c.params),          // namedCurve OID
		pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),                 // signature verification
		pkcs11.NewAttribute(pkcs11.CKA_DERIVE, false),                // no ECDH
		pkcs11.NewAttribute(pkcs11.CKA_MODIFIABLE, false),            // attributes fixed after creation
	}
}
