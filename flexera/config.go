package flexera

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// Region is the Flexera One zone an organisation lives in: it picks the API
// host (api.flexera.<region>) and the login host (login.flexera.<region>).
type Region string

// The Flexera One regions.
const (
	RegionNA   Region = "com" // North America: api.flexera.com
	RegionEU   Region = "eu"  // Europe: api.flexera.eu
	RegionAPAC Region = "au"  // Asia-Pacific: api.flexera.au
)

// ParseRegion returns the Region named s ("com", "eu" or "au"; "" means
// "com"), or an error naming the valid values.
func ParseRegion(s string) (Region, error) {
	switch r := Region(strings.ToLower(strings.TrimSpace(s))); r {
	case "":
		return RegionNA, nil
	case RegionNA, RegionEU, RegionAPAC:
		return r, nil
	}
	return "", fmt.Errorf("flexera: unknown region %q (want com, eu or au)", s)
}

// APIBase returns the API base URL of region r, e.g. https://api.flexera.eu.
func APIBase(r Region) string { return "https://api.flexera." + string(r) }

// LoginBase returns the login base URL of region r, e.g. https://login.flexera.eu.
func LoginBase(r Region) string { return "https://login.flexera." + string(r) }

// Default limits and timings. Each can be changed in Config.
const (
	// DefaultMaxFileSize keeps every uploaded gzip file under Flexera's
	// 10 MB per-file limit whether MB means 10^6 or 2^20 bytes.
	DefaultMaxFileSize  = 10_000_000
	DefaultPollInterval = 5 * time.Second
	DefaultMaxRetryWait = 60 * time.Second
	DefaultMaxAttempts  = 5
	DefaultEarlyExpiry  = 60 * time.Second
)

// The environment variables ConfigFromEnv reads.
const (
	EnvRefreshToken = "FLEXERA_REFRESH_TOKEN"
	EnvClientID     = "FLEXERA_CLIENT_ID"
	EnvClientSecret = "FLEXERA_CLIENT_SECRET"
	EnvAPIURL       = "FLEXERA_API_URL"
	EnvLoginURL     = "FLEXERA_LOGIN_URL"
	EnvRegion       = "FLEXERA_REGION"
)

// Config says where Flexera One is and how to log in. The zero value plus
// credentials is a working North-America configuration.
//
// Credentials: RefreshToken (refresh_token grant) wins when set; otherwise
// ClientID and ClientSecret (client_credentials grant, a service account).
// A Config without credentials is valid: New accepts it so a dry run needs
// none, and every API call then fails with ErrNoCredentials.
type Config struct {
	Region Region // "" means RegionNA

	// APIURL and LoginURL replace the region's hosts (tests, proxies). They
	// are base URLs (scheme and host, optional port); the client appends
	// /saas/v1/... and /oidc/token. Plain http is accepted for loopback
	// hosts only.
	APIURL   string
	LoginURL string

	RefreshToken Secret
	ClientID     string
	ClientSecret Secret

	// MaxFileSize is the largest gzip file Deliver uploads, in bytes
	// (0 means DefaultMaxFileSize). Larger rosters are split into several
	// files, measured on the compressed output.
	MaxFileSize int64
	// PollInterval is the wait between two import-job status checks
	// (0 means DefaultPollInterval).
	PollInterval time.Duration
	// MaxRetryWait caps the wait before retrying a throttled (429) request,
	// whatever its retry-after header says (0 means DefaultMaxRetryWait).
	MaxRetryWait time.Duration
	// MaxAttempts bounds the attempts of one request, throttled retries
	// included (0 means DefaultMaxAttempts).
	MaxAttempts int
}

// ConfigFromEnv builds a Config from FLEXERA_REFRESH_TOKEN,
// FLEXERA_CLIENT_ID, FLEXERA_CLIENT_SECRET, FLEXERA_API_URL,
// FLEXERA_LOGIN_URL and FLEXERA_REGION. Missing credentials are not an error
// here (see Config); an invalid region or URL is.
func ConfigFromEnv() (Config, error) {
	cfg := Config{
		APIURL:       strings.TrimSpace(os.Getenv(EnvAPIURL)),
		LoginURL:     strings.TrimSpace(os.Getenv(EnvLoginURL)),
		RefreshToken: Secret(strings.TrimSpace(os.Getenv(EnvRefreshToken))),
		ClientID:     strings.TrimSpace(os.Getenv(EnvClientID)),
		ClientSecret: Secret(strings.TrimSpace(os.Getenv(EnvClientSecret))),
	}
	r, err := ParseRegion(os.Getenv(EnvRegion))
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", EnvRegion, err)
	}
	cfg.Region = r
	return cfg, cfg.Validate()
}

// Validate reports every problem of c at once (errors.Join), naming the
// setting. Missing credentials are not a problem; half of a client
// credential pair is.
func (c Config) Validate() error {
	var errs []error
	if _, err := ParseRegion(string(c.Region)); err != nil {
		errs = append(errs, err)
	}
	if c.APIURL != "" {
		if _, err := parseBase(c.APIURL); err != nil {
			errs = append(errs, fmt.Errorf("flexera: API URL (%s): %w", EnvAPIURL, err))
		}
	}
	if c.LoginURL != "" {
		if _, err := parseBase(c.LoginURL); err != nil {
			errs = append(errs, fmt.Errorf("flexera: login URL (%s): %w", EnvLoginURL, err))
		}
	}
	if c.RefreshToken == "" && (c.ClientID == "") != (c.ClientSecret == "") {
		errs = append(errs, fmt.Errorf("flexera: client credentials need both %s and %s", EnvClientID, EnvClientSecret))
	}
	if c.MaxFileSize < 0 || c.PollInterval < 0 || c.MaxRetryWait < 0 || c.MaxAttempts < 0 {
		errs = append(errs, errors.New("flexera: MaxFileSize, PollInterval, MaxRetryWait and MaxAttempts must not be negative"))
	}
	return errors.Join(errs...)
}

// HasCredentials reports whether c names a refresh token or a complete
// client credential pair.
func (c Config) HasCredentials() bool {
	return c.RefreshToken != "" || (c.ClientID != "" && c.ClientSecret != "")
}

func (c Config) region() Region {
	if c.Region == "" {
		return RegionNA
	}
	return c.Region
}

// APIBaseURL returns the API base URL c uses (APIURL or the region's host),
// without a trailing slash.
func (c Config) APIBaseURL() string {
	if c.APIURL != "" {
		return strings.TrimRight(c.APIURL, "/")
	}
	return APIBase(c.region())
}

// TokenURL returns the token endpoint c uses: LoginURL (or the region's
// login host) followed by /oidc/token.
func (c Config) TokenURL() string {
	base := LoginBase(c.region())
	if c.LoginURL != "" {
		base = strings.TrimRight(c.LoginURL, "/")
	}
	return base + "/oidc/token"
}

func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = RegionNA
	}
	if c.MaxFileSize == 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.MaxRetryWait == 0 {
		c.MaxRetryWait = DefaultMaxRetryWait
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	return c
}

// parseBase checks that s is scheme://host[:port] with an optional trailing
// slash, https or loopback http, and no credentials, path, query or fragment.
func parseBase(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("scheme %q: want https", u.Scheme)
	case u.Host == "":
		return nil, errors.New("no host")
	case u.User != nil:
		return nil, errors.New("credentials in the URL are not allowed")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return nil, fmt.Errorf("%s: want a base URL (scheme and host only)", redactURL(u))
	case u.Scheme == "http" && !transport.Loopback(u.Hostname()):
		return nil, fmt.Errorf("%s: plain http is only allowed for loopback hosts", redactURL(u))
	}
	return u, nil
}

// redactURL returns u without user info and with the values of secret
// query parameters hidden: the SDK's redaction policy.
func redactURL(u *url.URL) string { return redact.URL(u) }

// DefaultStatePath returns the default state file of the named connector:
// <os.UserConfigDir()>/saasconnect/state/<name>.json, where name is made
// safe as a file name. It does not create anything. It fails when the
// name is empty or the user config directory is unknown.
func DefaultStatePath(connectorName string) (string, error) {
	name := safeFileName(connectorName)
	if name == "" {
		return "", errors.New("flexera: DefaultStatePath: empty connector name")
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("flexera: DefaultStatePath: %w", err)
	}
	return filepath.Join(dir, "saasconnect", "state", name+".json"), nil
}

// safeFileName keeps letters, digits, '-', '_' and '.', replaces anything
// else with '_' and refuses names made only of dots.
func safeFileName(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if strings.Trim(out, ".") == "" {
		return ""
	}
	return out
}
