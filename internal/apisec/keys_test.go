package apisec

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
)

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// der fails the test on an encoding error and returns the DER bytes.
func der(t testing.TB) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// Each malformed key is refused at construction with a ParamError naming
// its field, and no error text holds key material.
func TestNewRefusesMalformedKeys(t *testing.T) {
	tk := sharedTestKeys(t)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPKCS8 := pemOf("PRIVATE KEY", der(t)(x509.MarshalPKCS8PrivateKey(ecKey)))
	ecSEC1 := pemOf("EC PRIVATE KEY", der(t)(x509.MarshalECPrivateKey(ecKey)))
	ecPub := pemOf("PUBLIC KEY", der(t)(x509.MarshalPKIXPublicKey(&ecKey.PublicKey)))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ec"}, NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<32, 0)}
	ecCert := pemOf("CERTIFICATE", der(t)(x509.CreateCertificate(rand.Reader, tmpl, tmpl, &ecKey.PublicKey, ecKey)))
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPKIX := pemOf("PUBLIC KEY", der(t)(x509.MarshalPKIXPublicKey(edPub)))
	short, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	shortPriv := pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(short))
	shortPub := pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&short.PublicKey))
	encrypted := []byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END RSA PRIVATE KEY-----\n")

	cases := []struct {
		name, field string
		edit        func(*Config)
	}{
		{"empty app ID", "AppID", func(c *Config) { c.AppID = "" }},
		{"app ID with a newline", "AppID", func(c *Config) { c.AppID = "wx1\nX-Evil: 1" }},
		{"empty symmetric key", "SymmetricKey", func(c *Config) { c.SymmetricKey = "" }},
		{"symmetric key not base64", "SymmetricKey", func(c *Config) { c.SymmetricKey = "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY" }},
		{"symmetric key of 16 bytes", "SymmetricKey", func(c *Config) { c.SymmetricKey = base64.StdEncoding.EncodeToString(make([]byte, 16)) }},
		{"symmetric key of 33 bytes", "SymmetricKey", func(c *Config) { c.SymmetricKey = base64.StdEncoding.EncodeToString(make([]byte, 33)) }},
		{"empty symmetric SN", "SymmetricSN", func(c *Config) { c.SymmetricSN = "" }},
		{"symmetric SN with a bar", "SymmetricSN", func(c *Config) { c.SymmetricSN = "ab|cd" }},
		{"empty private key", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = nil }},
		{"private key not PEM", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = []byte("MIIEowIBAAKCAQEA3FoQOmOl5") }},
		{"private key of the wrong PEM type", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = c.PlatformCertPEM }},
		{"private key EC (PKCS#8)", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = ecPKCS8 }},
		{"private key EC (SEC 1)", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = ecSEC1 }},
		{"private key short RSA", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = shortPriv }},
		{"private key garbage in a PKCS#1 block", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = pemOf("RSA PRIVATE KEY", []byte("garbage")) }},
		{"private key garbage in a PKCS#8 block", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = pemOf("PRIVATE KEY", []byte("garbage")) }},
		{"private key encrypted", "PrivateKeyPEM", func(c *Config) { c.PrivateKeyPEM = encrypted }},
		{"empty platform certificate", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = []byte(" \n") }},
		{"platform certificate not PEM", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = []byte("certificate") }},
		{"platform certificate is a private key", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = c.PrivateKeyPEM }},
		{"platform certificate with an EC key", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = ecCert }},
		{"platform public key EC", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = ecPub }},
		{"platform public key Ed25519", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = edPKIX }},
		{"platform public key short RSA", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = shortPub }},
		{"platform certificate garbage", "PlatformCertPEM", func(c *Config) { c.PlatformCertPEM = pemOf("CERTIFICATE", []byte("garbage")) }},
		{"empty platform SN", "PlatformSN", func(c *Config) { c.PlatformSN = "" }},
		{"long platform SN", "PlatformSN", func(c *Config) { c.PlatformSN = strings.Repeat("a", 129) }},
	}
	needles := secretNeedles(t, tk)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := tk.Config()
			c.edit(&cfg)
			k, err := New(cfg)
			if k != nil {
				t.Error("New returned Keys with its error")
			}
			var pe *werrors.ParamError
			if !errors.As(err, &pe) || !errors.Is(err, werrors.ErrInvalidParam) {
				t.Fatalf("New = %v, want a *werrors.ParamError", err)
			}
			if want := "APISecurity." + c.field; pe.Field != want {
				t.Errorf("Field = %q, want %q (%v)", pe.Field, want, err)
			}
			if pe.Reason == "" {
				t.Error("empty Reason")
			}
			for _, n := range append(needles, cfg.SymmetricKey, "MIIEowIBAAKCAQEA3FoQOmOl5") {
				if len(n) > 8 && strings.Contains(err.Error(), n) {
					t.Errorf("error %q shows key material", err)
				}
			}
		})
	}
}

// Every documented key format is accepted.
func TestNewAcceptsKeyFormats(t *testing.T) {
	tk := sharedTestKeys(t)
	block, _ := pem.Decode(tk.PlatformPrivateKeyPEM)
	platformKey, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]func(*Config){
		"PKCS#8 private key, certificate": func(*Config) {},
		"PKCS#1 private key":              func(c *Config) { c.PrivateKeyPEM = []byte(guideAppKeyPEM) },
		"PKIX platform public key": func(c *Config) {
			c.PlatformCertPEM = pemOf("PUBLIC KEY", der(t)(x509.MarshalPKIXPublicKey(&platformKey.PublicKey)))
		},
		"PKCS#1 platform public key": func(c *Config) {
			c.PlatformCertPEM = pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&platformKey.PublicKey))
		},
		"key file with whitespace and text around": func(c *Config) {
			c.SymmetricKey = "\n " + c.SymmetricKey + "\r\n"
			c.PrivateKeyPEM = append([]byte("app key:\n"), c.PrivateKeyPEM...)
		},
	}
	p, err := NewPlatform(tk.PlatformConfig())
	if err != nil {
		t.Fatal(err)
	}
	body, hdr, err := p.SealReply(testURLPath, []byte(`{"ok":true}`), t0)
	if err != nil {
		t.Fatal(err)
	}
	for name, edit := range formats {
		cfg := tk.Config()
		edit(&cfg)
		k, err := New(cfg)
		if err != nil {
			t.Errorf("%s: New = %v", name, err)
			continue
		}
		if _, err := k.OpenReply(testURLPath, hdr, body, t0, t0); err != nil {
			t.Errorf("%s: OpenReply = %v", name, err)
		}
		if k.AppID() != testAppID {
			t.Errorf("%s: AppID = %q", name, k.AppID())
		}
	}
}
