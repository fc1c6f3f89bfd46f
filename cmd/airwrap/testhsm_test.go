package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/miekg/pkcs11"

	"github.com/airwrap/airwrap/internal/testkit/keys"
)

// testhsmMain is the test-only `testhsm` command, run as a subprocess with
// the script's environment (SOFTHSM2_CONF is per script):
//
//	testhsm put-aes LABEL SEED          a SYMMETRIC_DEFAULT key with known material
//	testhsm put-hmac LABEL BYTES SEED   an HMAC key of BYTES bytes with known material
//	testhsm put-aes-unextractable LABEL SEED
//	testhsm put-aes-nonsensitive LABEL SEED  CKA_SENSITIVE false: readable in the clear
//	testhsm count                       prints the number of objects on the token
func testhsmMain() int {
	if err := testhsm(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "testhsm:", err)
		return 1
	}
	return 0
}

func testhsm(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: testhsm put-aes|put-hmac|put-aes-unextractable|put-aes-nonsensitive|count ...")
	}
	p := pkcs11.New(os.Getenv(envModule))
	if p == nil {
		return fmt.Errorf("cannot load %s", os.Getenv(envModule))
	}
	if err := p.Initialize(); err != nil {
		return err
	}
	defer p.Destroy()
	defer p.Finalize()
	slots, err := p.GetSlotList(true)
	if err != nil {
		return err
	}
	var slot uint
	found := false
	for _, s := range slots {
		ti, err := p.GetTokenInfo(s)
		if err == nil && ti.Label == os.Getenv(envToken) {
			slot, found = s, true
		}
	}
	if !found {
		return fmt.Errorf("no token %q", os.Getenv(envToken))
	}
	sh, err := p.OpenSession(slot, pkcs11.CKF_SERIAL_SESSION|pkcs11.CKF_RW_SESSION)
	if err != nil {
		return err
	}
	defer p.CloseSession(sh)
	if err := p.Login(sh, pkcs11.CKU_USER, os.Getenv(envPIN)); err != nil {
		return err
	}
	defer p.Logout(sh)
	if args[0] == "count" {
		if err := p.FindObjectsInit(sh, nil); err != nil {
			return err
		}
		objs, _, err := p.FindObjects(sh, 1000)
		if err != nil {
			return err
		}
		_ = p.FindObjectsFinal(sh)
		fmt.Println(len(objs))
		return nil
	}
	var tmpl []*pkcs11.Attribute
	switch {
	case (args[0] == "put-aes" || args[0] == "put-aes-unextractable" || args[0] == "put-aes-nonsensitive") && len(args) == 3:
		tmpl = []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
			pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_AES),
			pkcs11.NewAttribute(pkcs11.CKA_VALUE, keys.Material(args[2], 32)),
			pkcs11.NewAttribute(pkcs11.CKA_ENCRYPT, true),
			pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, args[0] != "put-aes-unextractable"),
		}
	case args[0] == "put-hmac" && len(args) == 4:
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		tmpl = []*pkcs11.Attribute{
			pkcs11.NewAttribute(pkcs11.CKA_CLASS, pkcs11.CKO_SECRET_KEY),
			pkcs11.NewAttribute(pkcs11.CKA_KEY_TYPE, pkcs11.CKK_GENERIC_SECRET),
			pkcs11.NewAttribute(pkcs11.CKA_VALUE, keys.Material(args[3], n)),
			pkcs11.NewAttribute(pkcs11.CKA_SIGN, true),
			pkcs11.NewAttribute(pkcs11.CKA_VERIFY, true),
			pkcs11.NewAttribute(pkcs11.CKA_EXTRACTABLE, true),
		}
	default:
		return fmt.Errorf("bad arguments %q", args)
	}
	tmpl = append(tmpl,
		pkcs11.NewAttribute(pkcs11.CKA_TOKEN, true),
		pkcs11.NewAttribute(pkcs11.CKA_PRIVATE, true),
		pkcs11.NewAttribute(pkcs11.CKA_SENSITIVE, args[0] != "put-aes-nonsensitive"),
		pkcs11.NewAttribute(pkcs11.CKA_LABEL, args[1]),
		pkcs11.NewAttribute(pkcs11.CKA_ID, []byte("test-"+args[1])),
	)
	_, err = p.CreateObject(sh, tmpl)
	return err
}
