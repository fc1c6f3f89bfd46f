package hsm

// What SoftHSM 2.6.1 (Debian bookworm) does, as measured by this package's
// tests; SelfTest finds each of these on the token rather than assuming it.
//
//   - RSA-OAEP in C_WrapKey only with SHA-1/MGF1-SHA1: SHA-256 gives
//     CKR_ARGUMENTS_BAD. So RSAES_OAEP_SHA_256 and RSA_AES_KEY_WRAP_SHA_256
//     are not OK.
//   - C_WrapKey with RSA-OAEP of a private key: CKR_KEY_NOT_WRAPPABLE
//     (OAEPPrivateKeys false): EC keys need RSA_AES_KEY_WRAP_*.
//   - No CKM_RSA_AES_KEY_WRAP, no 0x210B. 0x210A is RFC 5649 for 8-aligned
//     material only: other lengths are zero-padded and the zeros counted in
//     the length indicator (fixed in 2.7.0). KWPPadsCorrectly false.
//   - CKM_AES_KEY_WRAP (0x2109) does not refuse unaligned input: it zero-pads
//     too, so it is no alignment probe (AlignmentProbe false).
//   - PKCS#8 lengths: EC keys leave out the public key and curve in the
//     inner ECPrivateKey, fixed per curve: P-256 67, P-384 80, P-521 98,
//     secp256k1 64 bytes (only P-384 and secp256k1 are 8-aligned). RSA keys
//     vary with the secret components: RSA-2048 1216 or 1217 (2 of 6 sampled
//     Go-generated keys were 1216), RSA-3072 1793, RSA-4096 2373 (one each).
//     So on this token airwrap wraps EC P-384 and secp256k1 keys with
//     RSA_AES_KEY_WRAP_SHA_1 and refuses RSA and the other EC keys.
//   - CKM_SHA256_HMAC refuses keys shorter than 32 bytes (CKR_KEY_SIZE_RANGE):
//     so HMAC check values use the key spec's own hash.
//   - secp256k1 keys generate.
//   - AES keys carry CKA_CHECK_VALUE (3 bytes of AES-ECB of a zero block).
