package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"

	"github.com/saasconnect/saasconnect/internal/safefile"
)

// maxCAFile caps the size of a ca_file: a large bundle of every public root
// is about 250 KiB.
const maxCAFile = 4 << 20

// Base returns the transport at the bottom of the stack: rt (nil means
// http.DefaultTransport), with the PEM certificates in caFile added to its
// trusted roots when caFile is set (the system roots, or the roots rt already
// trusts). caFile must be a regular file of at most 4 MiB. It refuses a transport that skips TLS verification, and a caFile
// with a transport that is not an *http.Transport.
func Base(rt http.RoundTripper, caFile string) (http.RoundTripper, error) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	ht, isHTTP := rt.(*http.Transport)
	if isHTTP {
		// rt may be in use by other goroutines (http.DefaultTransport is),
		// and net/http sets its TLSClientConfig lazily on first use. Clone
		// finishes that setup under the transport's own sync.Once, so the
		// fields are read from a private copy without a data race.
		ht = ht.Clone()
	}
	if isHTTP && ht.TLSClientConfig != nil && ht.TLSClientConfig.InsecureSkipVerify {
		return nil, errors.New("the HTTP client's transport skips TLS verification (InsecureSkipVerify); saasconnect never disables it: trust a private CA with the ca_file setting instead")
	}
	if caFile == "" {
		return rt, nil
	}
	if !isHTTP {
		return nil, fmt.Errorf("ca_file %q needs an *http.Transport at the base of the HTTP client, not %T", caFile, rt)
	}
	pem, err := safefile.ReadLimit(context.Background(), caFile, maxCAFile)
	if err != nil {
		return nil, fmt.Errorf("ca_file: %w", err)
	}
	var pool *x509.CertPool
	if ht.TLSClientConfig != nil && ht.TLSClientConfig.RootCAs != nil {
		pool = ht.TLSClientConfig.RootCAs.Clone()
	} else if pool, err = x509.SystemCertPool(); err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %q holds no PEM certificate", caFile)
	}
	if ht.TLSClientConfig == nil {
		ht.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	ht.TLSClientConfig.RootCAs = pool
	return ht, nil
}
