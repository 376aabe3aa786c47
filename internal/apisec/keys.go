package apisec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"strings"

	werrors "github.com/waybill-go/waybill/errors"
)

// MinRSABits is the smallest RSA modulus accepted for any key.
const MinRSABits = 2048

// symmetricKeySize is AES-256's key size.
const symmetricKeySize = 32

// Config holds what the console's API security page (开发 → 开发管理 → 开发设置
// → API安全) gives an app. It mirrors logistics.APISecurity.
type Config struct {
	AppID           string // the app ID, sent as Wechatmp-Appid
	SymmetricKey    string // base64 of the 32-byte AES256_GCM key
	SymmetricSN     string // the symmetric key's number (SN)
	PrivateKeyPEM   []byte // the app's RSA private key, PKCS#1 or PKCS#8 PEM
	PlatformCertPEM []byte // WeChat's platform certificate, or its bare RSA public key, PEM
	PlatformSN      string // the platform certificate's number (SN) from the console
}

// Keys is a parsed Config: everything needed to seal requests and open
// replies for one app. It is safe for concurrent use.
type Keys struct {
	appID      string
	sn         string
	aead       cipher.AEAD
	priv       *rsa.PrivateKey
	platform   *rsa.PublicKey
	platformSN string
	rand       io.Reader // IVs and nonces; crypto/rand unless a test replaces it
}

// New parses cfg. Every problem is reported as a *werrors.ParamError whose
// Field is "APISecurity.<field>" and whose Reason never repeats key
// material. RSA keys shorter than MinRSABits are refused.
func New(cfg Config) (*Keys, error) {
	const prefix = "APISecurity."
	if err := checkID(prefix+"AppID", cfg.AppID); err != nil {
		return nil, err
	}
	aead, err := parseSymmetricKey(prefix+"SymmetricKey", cfg.SymmetricKey)
	if err != nil {
		return nil, err
	}
	if err := checkID(prefix+"SymmetricSN", cfg.SymmetricSN); err != nil {
		return nil, err
	}
	priv, err := parsePrivateKey(prefix+"PrivateKeyPEM", cfg.PrivateKeyPEM)
	if err != nil {
		return nil, err
	}
	platform, err := parsePublicKey(prefix+"PlatformCertPEM", cfg.PlatformCertPEM)
	if err != nil {
		return nil, err
	}
	if err := checkID(prefix+"PlatformSN", cfg.PlatformSN); err != nil {
		return nil, err
	}
	return &Keys{
		appID:      cfg.AppID,
		sn:         cfg.SymmetricSN,
		aead:       aead,
		priv:       priv,
		platform:   platform,
		platformSN: cfg.PlatformSN,
		rand:       rand.Reader,
	}, nil
}

// AppID returns the app ID the keys belong to.
func (k *Keys) AppID() string { return k.appID }

func invalid(field, reason string) error {
	return &werrors.ParamError{Field: field, Reason: reason}
}

// checkID accepts the identifiers of this protocol (app IDs, key numbers):
// non-empty, at most 128 characters of ASCII letters, digits, '-' and '_'.
// They go into headers, the additional data (separated by '|') and the
// signed string (separated by newlines), so nothing else is safe.
func checkID(field, v string) error {
	if v == "" {
		return invalid(field, "is required")
	}
	if len(v) > 128 {
		return invalid(field, "is longer than 128 characters")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return invalid(field, "may hold only ASCII letters, digits, '-' and '_'")
		}
	}
	return nil
}

// parseSymmetricKey decodes the console's base64 AES key (surrounding
// whitespace, as in a downloaded file, is ignored).
func parseSymmetricKey(field, s string) (cipher.AEAD, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, invalid(field, "is required")
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, invalid(field, "is not standard base64")
	}
	if len(key) != symmetricKeySize {
		return nil, invalid(field, "must be base64 of exactly 32 bytes (AES-256)")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, invalid(field, "is not a usable AES key")
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, invalid(field, "is not a usable AES-GCM key")
	}
	return aead, nil
}

// decodePEM returns the first PEM block of data.
func decodePEM(field string, data []byte) (*pem.Block, error) {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, invalid(field, "is required")
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, invalid(field, "is not PEM")
	}
	if _, ok := block.Headers["Proc-Type"]; ok {
		return nil, invalid(field, "is an encrypted PEM block; decrypt it first")
	}
	return block, nil
}

// parsePrivateKey accepts an RSA private key as PKCS#1 ("RSA PRIVATE KEY")
// or PKCS#8 ("PRIVATE KEY").
func parsePrivateKey(field string, data []byte) (*rsa.PrivateKey, error) {
	block, err := decodePEM(field, data)
	if err != nil {
		return nil, err
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, invalid(field, "has a PEM block of type "+quoteType(block.Type)+`, want "RSA PRIVATE KEY" or "PRIVATE KEY"`)
	}
	if err != nil {
		return nil, invalid(field, "cannot be parsed as a "+block.Type)
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, invalid(field, "holds "+keyKind(key)+"; API security needs RSA")
	}
	if err := checkBits(field, rsaKey.N.BitLen()); err != nil {
		return nil, err
	}
	return rsaKey, nil
}

// parsePublicKey accepts an X.509 certificate ("CERTIFICATE") or a bare
// public key ("PUBLIC KEY" as PKIX, "RSA PUBLIC KEY" as PKCS#1) holding an
// RSA key. A certificate is only a container for the key here: the serial
// configured beside it decides which replies it verifies, and its validity
// dates are not enforced (WeChat announces rotations through the
// Wechatmp-Serial-Deprecated header instead).
func parsePublicKey(field string, data []byte) (*rsa.PublicKey, error) {
	block, err := decodePEM(field, data)
	if err != nil {
		return nil, err
	}
	var key any
	switch block.Type {
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, invalid(field, "has a PEM block of type "+quoteType(block.Type)+`, want "CERTIFICATE", "PUBLIC KEY" or "RSA PUBLIC KEY"`)
	}
	if err != nil {
		return nil, invalid(field, "cannot be parsed as a "+block.Type)
	}
	rsaKey, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, invalid(field, "holds "+keyKind(key)+"; API security needs RSA")
	}
	if err := checkBits(field, rsaKey.N.BitLen()); err != nil {
		return nil, err
	}
	return rsaKey, nil
}

func checkBits(field string, bits int) error {
	if bits < MinRSABits {
		return invalid(field, "is an RSA key shorter than 2048 bits")
	}
	return nil
}

// keyKind names the algorithm of a parsed key that is not RSA.
func keyKind(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "an ECDSA key"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "an Ed25519 key"
	case *ecdh.PrivateKey, *ecdh.PublicKey:
		return "an ECDH key"
	}
	return "a key of another algorithm"
}

// quoteType quotes a PEM type for an error, cut to a sane length.
func quoteType(t string) string {
	if len(t) > 40 {
		t = t[:40] + "..."
	}
	return `"` + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return '?'
		}
		return r
	}, t) + `"`
}
