package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jwtv5 "github.com/golang-jwt/jwt/v5"
)

// ClientAssertionType is the client_assertion_type of a private_key_jwt
// client authentication (RFC 7523 section 2.2).
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// GrantJWTBearer is the JWT bearer grant of RFC 7523 section 2.1, sent by
// [NewJWTBearer].
const GrantJWTBearer GrantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// assertionLifetime is how long a client assertion is valid.
const assertionLifetime = 5 * time.Minute

// errBadKey is the reason for a private key that does not parse. It never
// quotes the key.
var errBadKey = errors.New("not a PEM-encoded private key (PKCS#1 or PKCS#8 RSA, SEC 1 or PKCS#8 EC)")

// parsePrivateKey parses a PEM-encoded RSA (PKCS#1 or PKCS#8) or EC (SEC 1
// or PKCS#8) private key. Its errors never hold the key's text.
func parsePrivateKey(data string) (crypto.Signer, error) {
	if data == "" {
		return nil, errRequired
	}
	block, _ := pem.Decode([]byte(data))
	if block == nil {
		return nil, errBadKey
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			return k, nil
		}
	case "EC PRIVATE KEY":
		if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
			return k, nil
		}
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			break
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case *ecdsa.PrivateKey:
			return k, nil
		}
		return nil, fmt.Errorf("unsupported key type %T (want RSA or EC)", k)
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("an encrypted private key is not supported: decrypt it first (openssl pkey)")
	}
	return nil, errBadKey
}

// signingMethod returns the JWT algorithm for key: RS256 for RSA, ES256,
// ES384 or ES512 by curve for EC.
func signingMethod(key crypto.Signer) (jwtv5.SigningMethod, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return jwtv5.SigningMethodRS256, nil
	case *ecdsa.PrivateKey:
		switch k.Curve.Params().BitSize {
		case 256:
			return jwtv5.SigningMethodES256, nil
		case 384:
			return jwtv5.SigningMethodES384, nil
		case 521:
			return jwtv5.SigningMethodES512, nil
		}
		return nil, errors.New("unsupported EC curve (want P-256, P-384 or P-521)")
	}
	return nil, fmt.Errorf("unsupported key type %T", key)
}

// clientAssertion returns a signed private_key_jwt client assertion (RFC
// 7523 section 3): issuer and subject clientID, audience the token
// endpoint, valid for five minutes, with a unique jti, and kid in the
// header when set.
func clientAssertion(key crypto.Signer, kid, clientID, audience string, now time.Time) (string, error) {
	method, err := signingMethod(key)
	if err != nil {
		return "", err
	}
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	tok := jwtv5.NewWithClaims(method, jwtv5.RegisteredClaims{
		Issuer:    clientID,
		Subject:   clientID,
		Audience:  jwtv5.ClaimStrings{audience},
		IssuedAt:  jwtv5.NewNumericDate(now),
		NotBefore: jwtv5.NewNumericDate(now),
		ExpiresAt: jwtv5.NewNumericDate(now.Add(assertionLifetime)),
		ID:        hex.EncodeToString(jti[:]),
	})
	if kid != "" {
		tok.Header["kid"] = kid
	}
	return tok.SignedString(key)
}

// interactiveGrants need a user in the loop, which a connector has not.
var interactiveGrants = []GrantType{"implicit", "authorization_code", "urn:ietf:params:oauth:grant-type:device_code"}

// checkGrantName reports a grant type OAuth2 cannot send: one that needs a
// user, or not a token ("a b") nor a URN.
func checkGrantName(g GrantType) error {
	if slices.Contains(interactiveGrants, g) {
		return fmt.Errorf("grant type %q needs a user in the loop (want client_credentials, password, refresh_token or a vendor's grant without a user)", string(g))
	}
	if !validHeaderName(string(g)) && !strings.HasPrefix(string(g), "urn:") {
		return fmt.Errorf("%q is not a grant type name", string(g))
	}
	return nil
}
