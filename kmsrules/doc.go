// Package kmsrules is where a KMS import rule lives: which key specs KMS
// imports and what their material is, which wrapping algorithm fits which
// key spec and wrapping key, how long wrapped material and the blobs KMS
// takes may be, what a key ARN looks like, and the ValidTo window. Every
// other package asks here; none keeps a copy.
//
// The facts these rules rely on are in docs/KMS-FACTS.md ("Which wrapping
// algorithm for which key", "Byte layouts", "Expiry and the newer fields").
//
// It imports nothing else from airwrap, so every part of airwrap, the
// cgo-free online binary included, can use it. It knows nothing of PKCS#11:
// ceremony maps its names onto the hsm package's terms.
package kmsrules
