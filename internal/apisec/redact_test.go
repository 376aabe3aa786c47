package apisec

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"testing"
)

// secretNeedles lists forms in which the secrets of tk could leak: the
// symmetric key in base64, hex and raw, every base64 line of the private
// keys' PEM, and the private exponents and primes in decimal and hex.
func secretNeedles(t testing.TB, tk TestKeys) []string {
	t.Helper()
	raw := b64(t, tk.SymmetricKey)
	needles := []string{tk.SymmetricKey, hex.EncodeToString(raw), strings.ToUpper(hex.EncodeToString(raw)), string(raw)}
	for _, p := range [][]byte{tk.AppPrivateKeyPEM, tk.PlatformPrivateKeyPEM} {
		for _, line := range strings.Split(string(p), "\n") {
			if len(line) > 20 && !strings.HasPrefix(line, "-----") {
				needles = append(needles, line)
			}
		}
		block, _ := pem.Decode(p)
		var key *rsa.PrivateKey
		if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
			key = k.(*rsa.PrivateKey)
		} else if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			t.Fatal(err)
		}
		for _, n := range append([]*big.Int{key.D}, key.Primes...) {
			needles = append(needles, n.String(), n.Text(16))
		}
	}
	return needles
}

// printables returns every value of the package that holds keys, in every
// way a caller could hold it.
func printables(t testing.TB) map[string]any {
	f := newFixture(t)
	cfg := f.tk.Config()
	pcfg := f.tk.PlatformConfig()
	pcfg.DeprecatedKeyPEM = f.tk.AppPrivateKeyPEM
	pcfg.DeprecatedSN = "old"
	var nilKeys *Keys
	var nilPlatform *Platform
	return map[string]any{
		"Config": cfg, "*Config": &cfg,
		"*Keys": f.keys, "Keys": *f.keys, "nil *Keys": nilKeys,
		"PlatformConfig": pcfg, "*PlatformConfig": &pcfg,
		"*Platform": f.platform, "Platform": *f.platform, "nil *Platform": nilPlatform,
		"TestKeys": f.tk, "*TestKeys": &f.tk,
		"nested": struct {
			C  Config
			K  *Keys
			P  *Platform
			T  TestKeys
			PC PlatformConfig
		}{cfg, f.keys, f.platform, f.tk, pcfg},
		"slice": []any{cfg, f.keys, f.tk},
	}
}

func assertNoSecret(t *testing.T, what, out string, needles []string) {
	t.Helper()
	for _, n := range needles {
		if strings.Contains(out, n) {
			t.Errorf("%s leaks key material (%.12q...): %.300s", what, n, out)
			return
		}
	}
}

// No fmt verb prints a key.
func TestNothingPrintsKeys(t *testing.T) {
	tk := sharedTestKeys(t)
	needles := secretNeedles(t, tk)
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v", "%-40s"}
	for name, v := range printables(t) {
		for _, verb := range verbs {
			assertNoSecret(t, name+" with "+verb, fmt.Sprintf(verb, v), needles)
		}
		assertNoSecret(t, name+" with Sprint", fmt.Sprint(v), needles)
		assertNoSecret(t, name+" with Sprintln", fmt.Sprintln(v), needles)
		if js, err := json.Marshal(v); err == nil {
			assertNoSecret(t, name+" as JSON", string(js), needles)
		}
	}
}

// What is printed names the app and the key numbers and says the keys are
// redacted, so the redaction hides nothing useful for debugging.
func TestPrintedFormShowsIdentifiers(t *testing.T) {
	f := newFixture(t)
	for name, s := range map[string]string{
		"Config": fmt.Sprint(f.tk.Config()), "Keys": fmt.Sprintf("%+v", f.keys),
		"Platform": fmt.Sprintf("%#v", f.platform), "TestKeys": fmt.Sprint(f.tk),
		"PlatformConfig": fmt.Sprint(f.tk.PlatformConfig()),
	} {
		for _, want := range []string{testAppID, f.tk.SymmetricSN, f.tk.PlatformSN, redacted} {
			if !strings.Contains(s, want) {
				t.Errorf("%s prints %s: want %q in it", name, s, want)
			}
		}
	}
	js, err := json.Marshal(f.tk.Config())
	if err != nil || !strings.Contains(string(js), `"AppID":"`+testAppID+`"`) || !strings.Contains(string(js), `"SymmetricKey":"REDACTED"`) {
		t.Errorf("Config as JSON = %s, %v: want identifiers and REDACTED", js, err)
	}
	if got := fmt.Sprint(Config{}); !strings.Contains(got, "SymmetricKey:unset") {
		t.Errorf("an empty Config prints %s: want its secrets shown as unset", got)
	}
}

// Neither slog handler logs a key, however the value is passed.
func TestNothingLogsKeys(t *testing.T) {
	tk := sharedTestKeys(t)
	needles := secretNeedles(t, tk)
	for _, handler := range []string{"text", "json"} {
		var buf bytes.Buffer
		opts := &slog.HandlerOptions{Level: slog.LevelDebug}
		h := slog.Handler(slog.NewTextHandler(&buf, opts))
		if handler == "json" {
			h = slog.NewJSONHandler(&buf, opts)
		}
		log := slog.New(h)
		for name, v := range printables(t) {
			log.Info("value", name, v)
			log.Debug("any", slog.Any(name, v))
			log.With(name, v).Warn("with")
			log.WithGroup("g").Error("group", name, v)
		}
		out := buf.String()
		assertNoSecret(t, handler+" handler", out, needles)
		if !strings.Contains(out, testAppID) || !strings.Contains(out, tk.PlatformSN) {
			t.Errorf("%s handler logged no identifiers: %s", handler, out)
		}
	}
}
