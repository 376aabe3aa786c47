package apisec

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Every type of this package that holds a key prints and logs only its
// identifiers (app ID, key numbers) and the sizes of what it holds: String,
// Format (all verbs) and LogValue agree. The configuration types
// also encode to JSON that way, because slog's JSON handler encodes a value
// nested in a struct or slice with encoding/json, bypassing LogValue; none
// of them is ever sent on the wire.

const redacted = "REDACTED"

// describe renders name{k1:v1 k2:v2 ...}.
func describe(name string, kv ...string) string {
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(kv[i])
		b.WriteByte(':')
		b.WriteString(kv[i+1])
	}
	b.WriteByte('}')
	return b.String()
}

// group renders the same pairs for log/slog.
func group(kv ...string) slog.Value {
	attrs := make([]slog.Attr, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		attrs = append(attrs, slog.String(kv[i], kv[i+1]))
	}
	return slog.GroupValue(attrs...)
}

// object renders the same pairs as a JSON object, in order.
func object(kv ...string) []byte {
	b := []byte{'{'}
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, kv[i])
		b = append(b, ':')
		v, _ := json.Marshal(kv[i+1]) // a string always marshals
		b = append(b, v...)
	}
	return append(b, '}')
}

// secret says whether a secret is set, never what it is.
func secret(v []byte) string {
	if len(v) == 0 {
		return "unset"
	}
	return redacted
}

// public gives the size of a public value (a certificate or public key).
func public(v []byte) string { return strconv.Itoa(len(v)) + " bytes" }

func (c Config) fields() []string {
	return []string{
		"AppID", c.AppID, "SymmetricSN", c.SymmetricSN, "PlatformSN", c.PlatformSN,
		"SymmetricKey", secret([]byte(c.SymmetricKey)), "PrivateKeyPEM", secret(c.PrivateKeyPEM),
		"PlatformCertPEM", public(c.PlatformCertPEM),
	}
}

// String shows the identifiers only.
func (c Config) String() string { return describe("apisec.Config", c.fields()...) }

// Format prints String for every verb.
func (c Config) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue logs the identifiers only.
func (c Config) LogValue() slog.Value { return group(c.fields()...) }

// MarshalJSON encodes the identifiers only.
func (c Config) MarshalJSON() ([]byte, error) { return object(c.fields()...), nil }

func (k *Keys) fields() []string {
	if k == nil {
		return nil
	}
	return []string{"AppID", k.appID, "SymmetricSN", k.sn, "PlatformSN", k.platformSN, "keys", redacted}
}

// String shows the identifiers only.
func (k *Keys) String() string { return describe("apisec.Keys", k.fields()...) }

// Format prints String for every verb.
func (k *Keys) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// LogValue logs the identifiers only.
func (k *Keys) LogValue() slog.Value { return group(k.fields()...) }

func (c PlatformConfig) fields() []string {
	return []string{
		"AppID", c.AppID, "SymmetricSN", c.SymmetricSN, "PlatformSN", c.PlatformSN, "DeprecatedSN", c.DeprecatedSN,
		"SymmetricKey", secret([]byte(c.SymmetricKey)), "PlatformKeyPEM", secret(c.PlatformKeyPEM),
		"DeprecatedKeyPEM", secret(c.DeprecatedKeyPEM), "AppPublicKeyPEM", public(c.AppPublicKeyPEM),
	}
}

// String shows the identifiers only.
func (c PlatformConfig) String() string { return describe("apisec.PlatformConfig", c.fields()...) }

// Format prints String for every verb.
func (c PlatformConfig) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue logs the identifiers only.
func (c PlatformConfig) LogValue() slog.Value { return group(c.fields()...) }

// MarshalJSON encodes the identifiers only.
func (c PlatformConfig) MarshalJSON() ([]byte, error) { return object(c.fields()...), nil }

func (p *Platform) fields() []string {
	if p == nil {
		return nil
	}
	return []string{"AppID", p.appID, "SymmetricSN", p.sn, "PlatformSN", p.serial, "DeprecatedSN", p.deprecatedSN, "keys", redacted}
}

// String shows the identifiers only.
func (p *Platform) String() string { return describe("apisec.Platform", p.fields()...) }

// Format prints String for every verb.
func (p *Platform) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, p.String()) }

// LogValue logs the identifiers only.
func (p *Platform) LogValue() slog.Value { return group(p.fields()...) }

func (t TestKeys) fields() []string {
	return []string{
		"AppID", t.AppID, "SymmetricSN", t.SymmetricSN, "PlatformSN", t.PlatformSN,
		"SymmetricKey", secret([]byte(t.SymmetricKey)), "AppPrivateKeyPEM", secret(t.AppPrivateKeyPEM),
		"PlatformPrivateKeyPEM", secret(t.PlatformPrivateKeyPEM),
		"AppPublicKeyPEM", public(t.AppPublicKeyPEM), "PlatformCertPEM", public(t.PlatformCertPEM),
	}
}

// String shows the identifiers only, though these keys are for tests.
func (t TestKeys) String() string { return describe("apisec.TestKeys", t.fields()...) }

// Format prints String for every verb.
func (t TestKeys) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// LogValue logs the identifiers only.
func (t TestKeys) LogValue() slog.Value { return group(t.fields()...) }

// MarshalJSON encodes the identifiers only.
func (t TestKeys) MarshalJSON() ([]byte, error) { return object(t.fields()...), nil }
