package kmstest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Model is a KMS endpoint that keeps state and follows AWS KMS's documented
// state machine for keys with imported material (Origin EXTERNAL): key
// states, the key materials of a key (CURRENT, NON_CURRENT,
// PENDING_ROTATION, PENDING_MULTI_REGION_IMPORT_AND_ROTATION), import types,
// KeyMaterialId, expiry, deletion, rotation on demand and multi-Region
// primary and replica keys. It speaks the JSON 1.1 protocol the AWS SDK uses
// and serves every Region at one URL: a request belongs to the Region it was
// signed for (SignedRegion). Every behaviour is cited to AWS's documentation
// in kmsimport/EVIDENCE.md; where AWS documents a rule but no error name, the
// model's choice is said there too.
//
// local-kms (Start) stays the real emulator for what it implements; the
// Model covers what it cannot: ImportType, KeyMaterialId, ListKeyRotations,
// RotateKeyOnDemand, ReplicateKey, HMAC and asymmetric keys, RSA_3072 and
// RSA_4096 wrapping keys and the RSA_AES_KEY_WRAP algorithms.
//
// The material is really unwrapped (Go's RSA-OAEP; the oracle package's
// OpenSSL RSA-AES unwrap) and really used (AES-256-GCM, HMAC, signatures),
// so a wrong byte anywhere fails as KMS would fail.
type Model struct {
	mu       sync.Mutex
	account  string
	region   string // for requests that carry no SigV4 signature
	offset   time.Duration
	keys     map[string]*mkey // Region + "/" + key id
	tokens   map[string]*importToken
	reqs     []ModelRequest
	faults   map[string][]string // op -> error codes still to answer
	rotates  map[string][]time.Time
	wrapping func(bits int) (*wrappingKey, error)
}

// ModelOptions configure NewModel; the zero value is usable.
type ModelOptions struct {
	Account string    // default Account
	Region  string    // Region of unsigned requests; default Region
	Now     time.Time // the model's clock starts here (zero: the real time)
	// FreshWrappingKeys makes a new RSA wrapping key for every
	// GetParametersForImport, as KMS does, so material wrapped under one
	// response's public key fails with another response's token. Off, one
	// key per size serves the whole process (an RSA_4096 key takes seconds).
	FreshWrappingKeys bool
}

// ModelRequest is one request the model received: what the SDK serialized,
// the Region it was signed for, and how the model answered.
type ModelRequest struct {
	Op     string
	Region string
	Body   map[string]any
	Status int
	Error  string // the exception name, "" on success
}

// NewModel returns a model with no keys. Serve it with httptest or
// http.Serve (it is an http.Handler), or use StartModel in a test.
func NewModel(o ModelOptions) *Model {
	if o.Account == "" {
		o.Account = Account
	}
	if o.Region == "" {
		o.Region = Region
	}
	m := &Model{
		account: o.Account, region: o.Region,
		keys: map[string]*mkey{}, tokens: map[string]*importToken{},
		faults: map[string][]string{}, rotates: map[string][]time.Time{},
		wrapping: cachedWrappingKey,
	}
	if !o.Now.IsZero() {
		m.offset = time.Until(o.Now)
	}
	if o.FreshWrappingKeys {
		m.wrapping = newWrappingKey
	}
	return m
}

// StartModel serves a new model on the loopback interface for the test's
// lifetime and returns it with its URL.
func StartModel(t testing.TB, o ModelOptions) (*Model, string) {
	m := NewModel(o)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return m, srv.URL
}

// ModelEnv is the environment a process needs to reach a model at url
// through the AWS SDK's standard configuration, signing for region (no
// profile files are read; any credentials do).
func ModelEnv(url, region string) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + region,
		"AWS_ENDPOINT_URL_KMS=" + url,
		"AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// Now is the model's clock.
func (m *Model) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now()
}

func (m *Model) now() time.Time { return time.Now().Add(m.offset).UTC() }

// Advance moves the model's clock forward by d. Material whose ValidTo has
// passed is deleted then, as KMS deletes it (so a clock moved forward and
// back with SetNow still leaves the material expired).
func (m *Model) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offset += d
	m.expire()
}

// SetNow sets the model's clock (it keeps running from there).
func (m *Model) SetNow(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offset = time.Until(t)
}

// Inject makes the next times requests for op fail with the KMS exception
// code (for example "ThrottlingException", "KMSInternalException") before the
// model acts on them. The HTTP status is the one KMS uses for that code.
func (m *Model) Inject(op, code string, times int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for range times {
		m.faults[op] = append(m.faults[op], code)
	}
}

// Requests returns every request so far, in order.
func (m *Model) Requests() []ModelRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]ModelRequest(nil), m.reqs...)
}

// Calls lists the requests as "Region Op" (with " -> Exception" when it
// failed), in order: the shape ordering assertions want.
func (m *Model) Calls() []string {
	var out []string
	for _, r := range m.Requests() {
		s := r.Region + " " + r.Op
		if r.Error != "" {
			s += " -> " + r.Error
		}
		out = append(out, s)
	}
	return out
}

// kmsError is an answer in KMS's error shape.
type kmsError struct {
	Code    string
	Message string
}

func (e *kmsError) Error() string { return e.Code + ": " + e.Message }

func errf(code, format string, args ...any) *kmsError {
	return &kmsError{code, fmt.Sprintf(format, args...)}
}

// status is the HTTP status KMS answers an exception with.
func status(code string) int {
	switch code {
	case "KMSInternalException":
		return http.StatusInternalServerError
	case "DependencyTimeoutException":
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// ServeHTTP answers one KMS request.
func (m *Model) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	region := SignedRegion(r)
	if region == "" {
		region = m.region
	}
	out, kerr := m.handle(op, region, raw)
	var st int
	var payload []byte
	if kerr != nil {
		st = status(kerr.Code)
		payload, _ = json.Marshal(map[string]string{"__type": kerr.Code, "message": kerr.Message})
	} else {
		st = http.StatusOK
		payload, _ = json.Marshal(out)
	}
	m.mu.Lock()
	req := ModelRequest{Op: op, Region: region, Body: body, Status: st}
	if kerr != nil {
		req.Error = kerr.Code
	}
	m.reqs = append(m.reqs, req)
	n := len(m.reqs)
	m.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("model-%d", n))
	w.WriteHeader(st)
	_, _ = w.Write(payload)
}

// handle runs op; the wrapping key a GetParametersForImport needs is made
// before the lock is taken (an RSA_4096 key takes a while).
func (m *Model) handle(op, region string, raw []byte) (map[string]any, *kmsError) {
	var pre *wrappingKey
	if op == "GetParametersForImport" {
		var in struct{ WrappingKeySpec string }
		_ = json.Unmarshal(raw, &in)
		if bits, ok := wrappingKeySpecs[in.WrappingKeySpec]; ok {
			k, err := m.wrapping(bits)
			if err != nil {
				return nil, errf("KMSInternalException", "model: wrapping key: %v", err)
			}
			pre = k
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if q := m.faults[op]; len(q) > 0 {
		m.faults[op] = q[1:]
		return nil, errf(q[0], "injected by the test")
	}
	m.expire()
	switch op {
	case "CreateKey":
		return call(raw, m.createKey, region)
	case "ReplicateKey":
		return call(raw, m.replicateKey, region)
	case "DescribeKey":
		return call(raw, m.describeKey, region)
	case "ScheduleKeyDeletion":
		return call(raw, m.scheduleKeyDeletion, region)
	case "GetParametersForImport":
		var in getParamsIn
		if err := decode(raw, &in); err != nil {
			return nil, err
		}
		return m.getParametersForImport(in, region, pre)
	case "ImportKeyMaterial":
		return call(raw, m.importKeyMaterial, region)
	case "DeleteImportedKeyMaterial":
		return call(raw, m.deleteImportedKeyMaterial, region)
	case "RotateKeyOnDemand":
		return call(raw, m.rotateKeyOnDemand, region)
	case "ListKeyRotations":
		return call(raw, m.listKeyRotations, region)
	case "Encrypt":
		return call(raw, m.encrypt, region)
	case "Decrypt":
		return call(raw, m.decrypt, region)
	case "GenerateMac":
		return call(raw, m.generateMac, region)
	case "VerifyMac":
		return call(raw, m.verifyMac, region)
	case "GetPublicKey":
		return call(raw, m.getPublicKey, region)
	case "Sign":
		return call(raw, m.sign, region)
	}
	return nil, errf("UnsupportedOperationException", "model: %s is not modelled", op)
}

func call[T any](raw []byte, f func(T, string) (map[string]any, *kmsError), region string) (map[string]any, *kmsError) {
	var in T
	if err := decode(raw, &in); err != nil {
		return nil, err
	}
	return f(in, region)
}

func decode(raw []byte, v any) *kmsError {
	if err := json.Unmarshal(raw, v); err != nil {
		return errf("SerializationException", "model: request body: %v", err)
	}
	return nil
}

// epoch is a timestamp as the JSON 1.1 protocol carries it: seconds since
// 1970 as a number.
type epoch struct{ time.Time }

func (e *epoch) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	sec, frac := math.Modf(f)
	e.Time = time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return nil
}

func stamp(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// ---- keys -----------------------------------------------------------------

// mkey is one KMS key in one Region.
type mkey struct {
	region, id, arn string
	spec, usage     string
	origin          string
	description     string
	created         time.Time
	state           string // Enabled, PendingImport, PendingDeletion, PendingReplicaDeletion
	deletion        time.Time
	window          int // days of the deletion waiting period
	multiRegion     bool
	primary         string   // a replica: the primary's Region; a primary or single-Region key: ""
	replicas        []string // a primary: its replicas' Regions, in order
	materials       []*material
	rotations       int
}

// material is one key material of a key, as ListKeyRotations lists it.
type material struct {
	id          string
	bytes       []byte // nil while not imported
	state       string // CURRENT, NON_CURRENT, PENDING_ROTATION, PENDING_MULTI_REGION_IMPORT_AND_ROTATION
	expires     bool
	validTo     time.Time
	description *string
	rotated     time.Time // zero for the first material and pending ones
}

func (mt *material) imported() bool { return mt.bytes != nil }

func (mt *material) permanent() bool { return mt.state == "CURRENT" || mt.state == "NON_CURRENT" }

func symmetric(spec string) bool { return spec == "SYMMETRIC_DEFAULT" }

func (k *mkey) current() *material {
	for _, mt := range k.materials {
		if mt.state == "CURRENT" {
			return mt
		}
	}
	return nil
}

func (k *mkey) find(id string) *material {
	for _, mt := range k.materials {
		if mt.id == id {
			return mt
		}
	}
	return nil
}

// settle derives the key state from its materials: a key is usable only
// when every material permanently associated with it is imported.
func (k *mkey) settle() {
	switch k.state {
	case "PendingDeletion", "PendingReplicaDeletion", "Disabled":
		return
	}
	k.state = "Enabled"
	if k.current() == nil {
		k.state = "PendingImport"
	}
	for _, mt := range k.materials {
		if mt.permanent() && !mt.imported() {
			k.state = "PendingImport"
		}
	}
}

func (m *Model) key(region, id string) *mkey { return m.keys[region+"/"+id] }

// lookup finds the key a request names (key id or key ARN) in the Region of
// the request. An ARN of another Region or account names no key here.
func (m *Model) lookup(ref, region string) (*mkey, *kmsError) {
	if ref == "" {
		return nil, errf("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	id := ref
	if strings.HasPrefix(ref, "arn:") {
		parts := strings.SplitN(ref, ":", 6)
		if len(parts) != 6 || parts[2] != "kms" || !strings.HasPrefix(parts[5], "key/") {
			return nil, errf("InvalidArnException", "%s is not a valid key ARN", ref)
		}
		if parts[3] != region || parts[4] != m.account {
			return nil, errf("NotFoundException", "Key '%s' does not exist", ref)
		}
		id = strings.TrimPrefix(parts[5], "key/")
	}
	k := m.key(region, id)
	if k == nil {
		return nil, errf("NotFoundException", "Key '%s' does not exist", ref)
	}
	return k, nil
}

// lookupExternal is lookup for the import operations: the key must have
// Origin EXTERNAL and must not be pending deletion.
func (m *Model) lookupExternal(ref, region string) (*mkey, *kmsError) {
	k, err := m.lookup(ref, region)
	if err != nil {
		return nil, err
	}
	if k.origin != "EXTERNAL" {
		return nil, errf("UnsupportedOperationException", "%s origin is %s which is not valid for this operation", k.arn, k.origin)
	}
	if pendingDeletion(k) {
		return nil, errf("KMSInvalidStateException", "%s is pending deletion.", k.arn)
	}
	return k, nil
}

func pendingDeletion(k *mkey) bool {
	return k.state == "PendingDeletion" || k.state == "PendingReplicaDeletion"
}

// set is a multi-Region key's primary and replicas, primary first; a
// single-Region key alone.
func (m *Model) set(k *mkey) []*mkey {
	p := k
	if k.primary != "" {
		p = m.key(k.primary, k.id)
	}
	if p == nil {
		return []*mkey{k}
	}
	out := []*mkey{p}
	for _, r := range p.replicas {
		if rk := m.key(r, k.id); rk != nil {
			out = append(out, rk)
		}
	}
	return out
}

// expire deletes material whose ValidTo has passed, as KMS does, and
// forgets keys whose deletion date has passed.
func (m *Model) expire() {
	now := m.now()
	for name, k := range m.keys {
		if k.state == "PendingDeletion" && !now.Before(k.deletion) {
			delete(m.keys, name)
			m.replicaGone(k, now)
			continue
		}
		changed := false
		for _, mt := range append([]*material(nil), k.materials...) {
			if mt.imported() && mt.expires && !now.Before(mt.validTo) {
				m.dropMaterial(k, mt)
				changed = true
			}
		}
		if changed {
			k.settle()
		}
	}
}

// replicaGone: a deleted replica leaves its primary; a primary waiting for
// its replicas' deletion starts its own waiting period when the last goes.
func (m *Model) replicaGone(k *mkey, now time.Time) {
	if k.primary == "" {
		return
	}
	p := m.key(k.primary, k.id)
	if p == nil {
		return
	}
	p.replicas = slices.DeleteFunc(p.replicas, func(r string) bool { return r == k.region })
	if p.state == "PendingReplicaDeletion" && len(p.replicas) == 0 {
		p.state = "PendingDeletion"
		p.deletion = now.AddDate(0, 0, p.window)
	}
}

// dropMaterial deletes one material of k: material permanently associated
// with the key stays listed, PENDING_IMPORT; pending material leaves the
// key (and, deleted on a primary, leaves its replicas too).
func (m *Model) dropMaterial(k *mkey, mt *material) {
	if mt.permanent() {
		mt.bytes = nil
		return
	}
	keys := []*mkey{k}
	if k.primary == "" && k.multiRegion {
		keys = m.set(k)
	}
	for _, kk := range keys {
		kept := kk.materials[:0]
		for _, x := range kk.materials {
			if x.id != mt.id {
				kept = append(kept, x)
			}
		}
		kk.materials = kept
		kk.settle()
	}
	if k.primary != "" { // a replica's pending copy went: the primary waits for it again
		if p := m.key(k.primary, k.id); p != nil {
			if pm := p.find(mt.id); pm != nil && pm.state == "PENDING_ROTATION" {
				pm.state = "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
			}
		}
	}
}

func (m *Model) metadata(k *mkey) map[string]any {
	md := map[string]any{
		"AWSAccountId":          m.account,
		"KeyId":                 k.id,
		"Arn":                   k.arn,
		"CreationDate":          stamp(k.created),
		"Enabled":               k.state == "Enabled",
		"Description":           k.description,
		"KeyUsage":              k.usage,
		"KeyState":              k.state,
		"Origin":                k.origin,
		"KeyManager":            "CUSTOMER",
		"KeySpec":               k.spec,
		"CustomerMasterKeySpec": k.spec,
		"MultiRegion":           k.multiRegion,
	}
	if algs := specs[k.spec].algorithms(k.usage); len(algs) > 0 {
		md[specs[k.spec].algorithmField(k.usage)] = algs
	}
	if k.state == "PendingDeletion" {
		md["DeletionDate"] = stamp(k.deletion)
		md["PendingDeletionWindowInDays"] = k.window
	}
	// ExpirationModel and ValidTo: the earliest expiry of any imported
	// material permanently associated with the key.
	var earliest *material
	imported := false
	for _, mt := range k.materials {
		if !mt.permanent() || !mt.imported() {
			continue
		}
		imported = true
		if mt.expires && (earliest == nil || mt.validTo.Before(earliest.validTo)) {
			earliest = mt
		}
	}
	switch {
	case earliest != nil:
		md["ExpirationModel"] = "KEY_MATERIAL_EXPIRES"
		md["ValidTo"] = stamp(earliest.validTo)
	case imported:
		md["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
	}
	if cur := k.current(); cur != nil && symmetric(k.spec) {
		md["CurrentKeyMaterialId"] = cur.id
	}
	if k.multiRegion {
		set := m.set(k)
		p := set[0]
		typ := "PRIMARY"
		if k.primary != "" {
			typ = "REPLICA"
		}
		var reps []map[string]any
		for _, r := range set[1:] {
			reps = append(reps, map[string]any{"Arn": r.arn, "Region": r.region})
		}
		md["MultiRegionConfiguration"] = map[string]any{
			"MultiRegionKeyType": typ,
			"PrimaryKey":         map[string]any{"Arn": p.arn, "Region": p.region},
			"ReplicaKeys":        reps,
		}
	}
	return md
}

// Keys lists the keys the model holds as "Region key-id State", sorted: for
// a test's failure message.
func (m *Model) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, k := range m.keys {
		out = append(out, k.region+" "+k.id+" "+k.state)
	}
	sort.Strings(out)
	return out
}
