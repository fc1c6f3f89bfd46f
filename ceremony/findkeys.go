package ceremony

import "github.com/airwrap/airwrap/hsm"

// keysFinder is a Token that finds many keys in one scan (*hsm.Token does):
// on a token holding n keys each search scans all n, so finding a batch's
// keys one by one costs n scans.
type keysFinder interface {
	FindKeys(labels []string) ([]*hsm.Key, []error)
}

// keyFinder returns FindKey for these entries: answered from one FindKeys
// call where the token offers it, else the token's own FindKey.
func (r *run) keyFinder() func(label string) (*hsm.Key, error) {
	f, ok := r.tok.(keysFinder)
	if !ok {
		return r.tok.FindKey
	}
	var labels []string
	seen := map[string]bool{}
	for _, e := range r.p.entries {
		if !seen[e.label] {
			seen[e.label] = true
			labels = append(labels, e.label)
		}
	}
	keys, errs := f.FindKeys(labels)
	type answer struct {
		key *hsm.Key
		err error
	}
	byLabel := make(map[string]answer, len(labels))
	for i, l := range labels {
		byLabel[l] = answer{keys[i], errs[i]}
	}
	return func(label string) (*hsm.Key, error) {
		a, ok := byLabel[label]
		if !ok {
			return r.tok.FindKey(label)
		}
		if a.err != nil {
			return nil, a.err
		}
		k := *a.key // each entry its own copy, as FindKey gives
		return &k, nil
	}
}
