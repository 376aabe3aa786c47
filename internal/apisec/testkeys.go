package apisec

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// TestKeys is a matching set of API security keys for tests: what the
// console would give an app (symmetric key, app key pair, platform
// certificate) together with the platform's private key, which only WeChat
// holds in reality. Config configures the client side with it and
// PlatformConfig a Platform.
type TestKeys struct {
	AppID                 string
	SymmetricKey          string // base64 of 32 random bytes
	SymmetricSN           string
	AppPrivateKeyPEM      []byte // PKCS#8 "PRIVATE KEY", as the console hands it out
	AppPublicKeyPEM       []byte // PKIX "PUBLIC KEY"
	PlatformPrivateKeyPEM []byte // PKCS#1 "RSA PRIVATE KEY"
	PlatformCertPEM       []byte // a self-signed "CERTIFICATE" for the platform key
	PlatformSN            string
}

// GenerateTestKeys makes a fresh TestKeys for appID with two 2048-bit RSA
// keys. Generating them takes a noticeable fraction of a second: tests
// should make one set and share it (sync.Once).
func GenerateTestKeys(appID string) (TestKeys, error) {
	if err := checkID("appID", appID); err != nil {
		return TestKeys{}, err
	}
	sym := make([]byte, symmetricKeySize)
	if _, err := rand.Read(sym); err != nil {
		return TestKeys{}, fmt.Errorf("apisec: reading randomness: %w", err)
	}
	appKey, err := rsa.GenerateKey(rand.Reader, MinRSABits)
	if err != nil {
		return TestKeys{}, fmt.Errorf("apisec: generating the app key: %w", err)
	}
	platformKey, err := rsa.GenerateKey(rand.Reader, MinRSABits)
	if err != nil {
		return TestKeys{}, fmt.Errorf("apisec: generating the platform key: %w", err)
	}
	appPriv, err := x509.MarshalPKCS8PrivateKey(appKey)
	if err != nil {
		return TestKeys{}, fmt.Errorf("apisec: encoding the app key: %w", err)
	}
	appPub, err := x509.MarshalPKIXPublicKey(&appKey.PublicKey)
	if err != nil {
		return TestKeys{}, fmt.Errorf("apisec: encoding the app public key: %w", err)
	}
	cert, err := selfSigned(platformKey)
	if err != nil {
		return TestKeys{}, err
	}
	return TestKeys{
		AppID:                 appID,
		SymmetricKey:          base64.StdEncoding.EncodeToString(sym),
		SymmetricSN:           randomSN(),
		AppPrivateKeyPEM:      pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: appPriv}),
		AppPublicKeyPEM:       pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: appPub}),
		PlatformPrivateKeyPEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(platformKey)}),
		PlatformCertPEM:       pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert}),
		PlatformSN:            randomSN(),
	}, nil
}

// selfSigned returns a DER certificate for key, signed by itself.
func selfSigned(key *rsa.PrivateKey) ([]byte, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, fmt.Errorf("apisec: reading randomness: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "waybill apisec test platform"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("apisec: making the platform certificate: %w", err)
	}
	return der, nil
}

// randomSN returns 32 hex digits, the shape of the console's key numbers.
func randomSN() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// Config is the client side's configuration for these keys.
func (t TestKeys) Config() Config {
	return Config{
		AppID:           t.AppID,
		SymmetricKey:    t.SymmetricKey,
		SymmetricSN:     t.SymmetricSN,
		PrivateKeyPEM:   t.AppPrivateKeyPEM,
		PlatformCertPEM: t.PlatformCertPEM,
		PlatformSN:      t.PlatformSN,
	}
}

// PlatformConfig is a Platform's configuration for these keys.
func (t TestKeys) PlatformConfig() PlatformConfig {
	return PlatformConfig{
		AppID:           t.AppID,
		SymmetricKey:    t.SymmetricKey,
		SymmetricSN:     t.SymmetricSN,
		AppPublicKeyPEM: t.AppPublicKeyPEM,
		PlatformKeyPEM:  t.PlatformPrivateKeyPEM,
		PlatformSN:      t.PlatformSN,
	}
}
