package apisec

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"testing"
	"time"
)

// The worked example of WeChat's 服务端 API 签名加密指南
// (developers.weixin.qq.com/miniprogram/dev/server/getting_started/api_signature.html):
// the risk-rank API called by app wxba6223c06417af7b. Keys, IVs, timestamps,
// nonces, ciphertexts and signatures below are the guide's values.
const (
	guideURLPath     = "https://api.weixin.qq.com/wxa/getuserriskrank"
	guideAppID       = "wxba6223c06417af7b"
	guideSymKey      = "otUpngOjU+nVQaWJIC3D/yMLV17RKaP6t4Ot9tbnzLY="
	guideSymSN       = "fa05fe1e5bcc79b81ad5ad4b58acf787"
	guideReqTS       = 1635927954
	guideReqIV       = "fmW/zNxXlytUZBgj"
	guideReqNonce    = "o89QaPVsRu1yppIZzvSZc4"
	guideReqOriginal = `{"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}`
	guideReqPlain    = `{"_n":"o89QaPVsRu1yppIZzvSZc4","_appid":"wxba6223c06417af7b","_timestamp":1635927954,"appid":"wxba6223c06417af7b","openid":"oEWzBfmdLqhFS2mTXCo2E4Y9gJAM","scene":0,"client_ip":"127.0.0.1"}`
	guideReqData     = "0IDVdrPtSPF/Oe2CTXCV2vVNPbVJdJlP2WaTMQnoYLh5iCrrSNfQFh25EnStDMf0hLlVNBCZQtf9NaV0m4aRA4AAYIO7oR/Ge+4yY4EmZp5EVPB42xjScgMx5X3D4VdLCfynXIUKUtZHZvk1zmLVE3RauzJgiM1BB1CPmwcENo3MTJ0z8Vfkf5tMv54kOXobDLlV5rfqKdAX7gM/rP82DgZdt9vvZX44ipdbHIjJvw83ZXAFtvftdVw2Qd8="
	guideReqTag      = "5qeM/2vZv+6KtScN94IpMg=="
	guideReqBody     = `{"iv":"` + guideReqIV + `","data":"` + guideReqData + `","authtag":"` + guideReqTag + `"}`
	guideReqSig      = "wcSSWHZunjz9VKl9q+If9deiyECXDAELfAJNZ4+5T+NhFr8zfhkwdQtlgQ7nN5xs99R57La9UjBTRBGge2KYyshWtw7HIMPAqWNsnpHvx0b2f7s6Bt7OpfOQLlIfNgepgTVmUwrqW8/7A12szj7tCe/bRFilwnaX6N0w4duHlfL7ic7IIZXouvy9dLRAa5GtEk1eD/LPWRiKh0SvJ3znPY/pSiQW9zSkXVdj9UGGM8qcKLzPGJ7gSmt3ZOPkFapk9wqFmhJwQj//xN5+hUlr2UiNPMNSHve5Y2ADLsNHqk5t7RfAZ8nW9/8lzhVt4t+toy1FeehxCGIC8qgmjIl1hg=="
	guideAppKeySN    = "97845f6ed842ea860df6fdf65941ff56"

	guideRespTS      = 1635927956
	guidePlatformSN  = "79ba700ea147819f640941bceb38b1d1"
	guideRetiringSN  = "2171af9cdf1d7404423852e7e183d852"
	guideRespBody    = `{"iv":"r2WDQt56rEAmMuoR","data":"HExs66Ik3el+iM4IpeQ7SMEN934FRLFYOd3EmeaIrpP4EPTHckoco6O+PaoRZRa3lqaPRZT7r52f7LUok6gLxc6cdR8C4vpIIfh4xfLC4L7FNy9GbuMK1hcoi8b7gkWJcwZMkuCFNEDmqn3T49oWzAQOrY4LZnnnykv6oUJotdAsnKvmoJkLK7hRh7M2B1d2UnTnRuoIyarXc5Iojwoghx4BOvnV","authtag":"z2BFD8QctKXTuBlhICGOjQ=="}`
	guideRespSig     = "Ht0VfQkkEweJ4hU266C14Aj64H9AXfkwNi5zxUZETCvR2svU1ZYdosDhFX/voLj1TyszqKsVxAlENGt7PPZZ8RQX7jnA4SKhiPUhW4LTbyTenisHJ+ohSfDjYnXavjQsBHspFS+BlPHuSSJ2xyQzw1+HuC6nid09ZL4FnGSYo4OI5MJrSb9xLzIVZMIDuUQchGKi/KaB1KzxECLEZcfjqbAgmxC7qOmuBLyO1WkHYDM95NJrHJWba5xv4wrwPru9yYTJSNRnlM+zrW5w9pOubC4Jtj3szTAEuOz9AcqUmgaAvMLNAIa8hfODLRe3n/cu4SgYlN/ZkNRU4QXVNbPGMg=="
	guideRespSigOld  = "ZP1OODikAOePc+YJUMLxunF6xV05kextO/T1fy5lWv/CwV6OCsPBRM2xRRCi+B4lYXbbfYDdjzCz5BIAWEwIdjMlg/IHcJVHhRNAlKt5A3zvzfaJa5IJQel7xuUEXk/B6KVyEb41PbzrptjUGqWyTFMrjxQ4ThJfCuYocnUng7OuDU95enMqK2hZpO8o7kFW638BAwKDSiFNEwEJDWYkLz0kEw7ma3keezm4YHYKfJmjChK39tmZld7Rw/yrV1U9RiL/DO5ayP9VmrQkT/vYrPKyqI4/xKrIaTq44jFYTPIJKdU2OnLt6kjqwp2hvCzMuJdjRcrvzhWJ2A8xZ5hI2w=="
	guideRespHash    = "f797cafd9e323df336fb427569fbe67e20d5bc96dd68a3f54d66b54e6e08bb27"
	guideRespPlain   = `{"_n":"ShYZpqdVgY+yQVAxNSWhYg","_appid":"wxba6223c06417af7b","_timestamp":1635927956,"errcode":0,"errmsg":"getuserriskrank succ","risk_rank":0,"unoin_id":2258658297}`
	guideRespPayload = `{"errcode":0,"errmsg":"getuserriskrank succ","risk_rank":0,"unoin_id":2258658297}` // the reply before encryption
)

// guideAppKeyPEM is the app's private key of the guide's signing example
// (PKCS#1).
const guideAppKeyPEM = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA3FoQOmOl5/CF5hF7ta4EzCy2LaU3Eu2k9DBwQ73J82I53Sx9
LAgM1DH3IsYohRRx/BESfbdDI2powvr6QYKVIC+4Yavwg7gzhZRxWWmT1HruEADC
ZAgkUCu+9Il/9FPuitPSoIpBd07NqdkkRe82NBOfrKTdhge/5zd457fl7J81Q5VT
IxO8vvq7FSw7k6Jtv+eOjR6SZOWbbUO7f9r4UuUkXmvdGv21qiqtaO1EMw4tUCEL
zY73M7NpCH3RorlommYX3P6q0VrkDHrCE0/QMhmHsF+46E+IRcJ3wtEj3p/mO1Vo
CpEhawC1U728ZUTwWNEii8hPEhcNAZTKaQMaTQIDAQABAoIBAQCXv5p/a5KcyYKc
75tfgekh5wTLKIVmDqzT0evuauyCJTouO+4z/ZNAKuzEUO0kwPDCo8s1MpkU8boV
1Ru1M8WZNePnt65aN+ebbaAl8FRzNvltoeg9VXIUmBvYcjzhOVAE4V2jW7M8A9QU
zUpyswuED6OeFKfOHtYk2In2IipAqhfbyc6gn7uZSWTQsoO6hGBRQ7Ejx+vgwrbx
ZKVZ7UXbPHD0lOEPraA3PH/QUeUKpNwK2NXQoBxWcR283/HxFSAjjSSsGSBKsCnw
DN55P2FQ0HNi5YrwUNT9190NIXSeygaRy1b+D+yBfm+yE7/qXwHLZCHsjO+2tMSS
3KGjllTBAoGBAP9FPeYNKZuu5jt9RpZwXCc9E7Iz7bmM7zws6dun6dQH0xVVWFVm
iGIu07eqyB8HNagXseFzoXLV5EQx+3DaB0bAH+ZEpHGJJpAWSLusigssFUFuTvTF
w+rC5hxOfidMa6+93SU5pWeJb0zJF8PRDaJ3UmwlwpYubF17sT4PD6p9AoGBANz7
RlhRSFvggJjhEMpek3OIYWrrlRNO2MVcP7i/fGNTHhrw7OHcNGRof54QZ2Y0baL7
1vHNokbK2mnT+cQXY/gXMmcE/eV4xyRGYiIL9nBdrkLerc43EYPv+evDvgyji6+y
4np5cKqHrS8F+YzATk82Jt9HgdI2MvfbJTkSbmgRAoGAHNPL9rPb1An/VA6Ery6H
KaM7Gy/EE+U3ixsjWbvvqxMrIkieDh7jHftdy2sM6Hwe8hmi6+vr+pTvD0h5tbfZ
hILj11Q/Idc0NKdflVoZyMM0r0vuvLOsuVFDPUUb+AIoUxNk6vREmpmpqQk4ltN/
763779yfyef6MuBqFrEKut0CgYB9FfsuuOv1nfINF7EybDCZAETsiee7ozEPHnWv
dSzK6FytMV1VSBmcEI7UgUKWVu0MifOUsiq+WcsihmvmNLtQzoioSeoSP7ix7ulT
jmP0HQMsNPI7PW67uVZFv2pPqy/Bx8dtPlqpHN3KNV6Z7q0lJ2j/kHGK9UUKidDb
KnS2kQKBgHZ0cYzwh9YnmfXx9mimF57aQQ8aFc9yaeD5/3G2+a/FZcHtYzUdHQ7P
PS35blD17/NnhunHhuqakbgarH/LIFMHITCVuGQT4xS34kFVjFVhiT3cHfWyBbJ6
GbQuzzFxz/UKDDKf3/ON41k8UP20Gdvmv/+c6qQjKPayME81elus
-----END RSA PRIVATE KEY-----
`

// guidePlatformCertPEM is the platform certificate of the guide's reply
// example (its number in the console is guidePlatformSN).
const guidePlatformCertPEM = `-----BEGIN CERTIFICATE-----
MIID0jCCArqgAwIBAgIUeE+Yy7vM/o+eHHsfM+1bGJJEZTQwDQYJKoZIhvcNAQEL
BQAwXjELMAkGA1UEBhMCQ04xEzARBgNVBAoTClRlbnBheS5jb20xHTAbBgNVBAsT
FFRlbnBheS5jb20gQ0EgQ2VudGVyMRswGQYDVQQDExJUZW5wYXkuY29tIFJvb3Qg
Q0EwHhcNMjIwOTA1MDgzOTIyWhcNMjcwOTA0MDgzOTIyWjBkMRswGQYDVQQDDBJ3
eGQ5MzBlYTVkNWEyNThmNGYxFTATBgNVBAoMDFRlbmNlbnQgSW5jLjEOMAwGA1UE
CwwFV3hnTXAxCzAJBgNVBAYMAkNOMREwDwYDVQQHDAhTaGVuWmhlbjCCASIwDQYJ
KoZIhvcNAQEBBQADggEPADCCAQoCggEBAM5D9qlkCmk1kr3FpF0e9pc3kGsvz5RA
0/YRny9xPKIyV2UVMDZvRQ+mDHsiQQFE6etg457KFYSxTDKtItbdl6hJQVGeAvg0
mqPYE9SkHRGTfL/AnXRbKBG2GC2OcaPSAprsLOersjay2me+9pF8VHybV8aox78A
NsU75G/OO3V1iEE0s5Pmglqk8DEiw9gB/dGJzsNfXwzvyJyiUP9ZujYexyjsS+/Z
GdSOUkqL/th+16yHj8alcdyga6YGfWEDyWkt/i/B28cwx4nzwk8xgrurifPaLuMk
0+9wJQLCfAn/f7zyHrC8PcD1XvvRt9VBNMBASXs3710ODyyVf2lkMgkCAwEAAaOB
gTB/MAkGA1UdEwQCMAAwCwYDVR0PBAQDAgTwMGUGA1UdHwReMFwwWqBYoFaGVGh0
dHA6Ly9ldmNhLml0cnVzLmNvbS5jbi9wdWJsaWMvaXRydXNjcmw/Q0E9MUJENDIy
MEU1MERCQzA0QjA2QUQzOTc1NDk4NDZDMDFDM0U4RUJEMjANBgkqhkiG9w0BAQsF
AAOCAQEAL2MK9tYu+ljLVBlSbfEeaKyF07TN+G31Ya5NBzeS1ZCx4joUEIyACWmG
fUkKNKiKV+EMzxeEhKRso1Qif3E7Ipl+PQBoQw6OSR/jFHciYurnGR9CLkL03Zo1
qw1Xetv9OipsvlpA0SOWc207e/XpGdm8C7FMXM6bzvVp8I/STTjC1vqjIZu9WavI
RgGM4jyAPz2XogUq0BNijef8BXbbav9fAsXjHSwn5BQv4iLms3fiLm/eoyQ6dZ2R
oTudrlcyr1bG4vwETLmHF+3yfVp9dpvJ+lyfiviwDwyfa8t2WlJm27DuF4vWoxir
mjgj9tDutIFqxLIovLyg3uiAYtSQ/Q==
-----END CERTIFICATE-----
`

func guideConfig() Config {
	return Config{
		AppID:           guideAppID,
		SymmetricKey:    guideSymKey,
		SymmetricSN:     guideSymSN,
		PrivateKeyPEM:   []byte(guideAppKeyPEM),
		PlatformCertPEM: []byte(guidePlatformCertPEM),
		PlatformSN:      guidePlatformSN,
	}
}

func guideKeys(t testing.TB) *Keys {
	t.Helper()
	k, err := New(guideConfig())
	if err != nil {
		t.Fatalf("New(guide keys): %v", err)
	}
	return k
}

func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return b
}

// guideReplyHeader is the reply's headers as the guide lists them.
func guideReplyHeader() http.Header {
	h := http.Header{}
	h.Set(HeaderAppID, guideAppID)
	h.Set(HeaderTimestamp, "1635927956")
	h.Set(HeaderSerial, guidePlatformSN)
	h.Set(HeaderSignature, guideRespSig)
	h.Set(HeaderSerialDeprecated, guideRetiringSN)
	h.Set(HeaderSignatureDeprecated, guideRespSigOld)
	return h
}

// The cipher alone: the guide's exact plaintext, key, IV and additional
// data give its data and authtag byte for byte.
func TestGuideAESVector(t *testing.T) {
	k := guideKeys(t)
	ad := additionalData(guideURLPath, guideAppID, "1635927954", guideSymSN)
	if want := guideURLPath + "|" + guideAppID + "|1635927954|" + guideSymSN; string(ad) != want {
		t.Fatalf("additional data = %q, want %q", ad, want)
	}
	got := sealEnvelope(k.aead, b64(t, guideReqIV), []byte(guideReqPlain), ad)
	if string(got) != guideReqBody {
		t.Errorf("sealed body =\n%s\nwant\n%s", got, guideReqBody)
	}
	env, ok := parseEnvelope(got)
	if !ok {
		t.Fatal("parseEnvelope refused the guide's body")
	}
	plain, err := openEnvelope(k.aead, env, ad)
	if err != nil || string(plain) != guideReqPlain {
		t.Errorf("openEnvelope = %q, %v; want the guide's plaintext", plain, err)
	}
}

// The whole request: from the original JSON to the exact 324-byte POST data
// of the guide, and a signature that the app's public key verifies over
// the three-line-plus-body string.
func TestGuideSealedRequest(t *testing.T) {
	k := guideKeys(t)
	body, hdr, err := k.sealRequest(guideURLPath, []byte(guideReqOriginal), guideReqTS, b64(t, guideReqIV), guideReqNonce)
	if err != nil {
		t.Fatalf("sealRequest: %v", err)
	}
	if string(body) != guideReqBody || len(body) != 324 {
		t.Errorf("sealed body (%d bytes) =\n%s\nwant the guide's 324 bytes\n%s", len(body), body, guideReqBody)
	}
	if hdr.Get(HeaderAppID) != guideAppID || hdr.Get(HeaderTimestamp) != "1635927954" {
		t.Errorf("headers = %v", hdr)
	}
	// PSS is randomised, so our signature differs from the guide's; both
	// must verify under the same rule.
	d := digest(guideURLPath, guideAppID, "1635927954", body)
	for name, sig := range map[string]string{"ours": hdr.Get(HeaderSignature), "guide's": guideReqSig} {
		if err := verify(&k.priv.PublicKey, d, HeaderSignature, sig, requestSaltLength); err != nil {
			t.Errorf("%s signature: %v", name, err)
		}
	}
}

// The guide's request signature proves the signed string: it verifies over
// urlpath\nappid\ntimestamp\nbody and over nothing with the key number
// added, wherever that line is put.
func TestGuideSignedStringHasNoSNLine(t *testing.T) {
	k := guideKeys(t)
	sig := b64(t, guideReqSig)
	variants := map[string]string{
		"no sn line":                  guideURLPath + "\n" + guideAppID + "\n1635927954\n" + guideReqBody,
		"sn before postdata":          guideURLPath + "\n" + guideAppID + "\n1635927954\n" + guideAppKeySN + "\n" + guideReqBody,
		"sn before timestamp":         guideURLPath + "\n" + guideAppID + "\n" + guideAppKeySN + "\n1635927954\n" + guideReqBody,
		"symmetric sn before payload": guideURLPath + "\n" + guideAppID + "\n1635927954\n" + guideSymSN + "\n" + guideReqBody,
	}
	for name, m := range variants {
		h := sha256.Sum256([]byte(m))
		err := rsa.VerifyPSS(&k.priv.PublicKey, crypto.SHA256, h[:], sig, &rsa.PSSOptions{SaltLength: requestSaltLength})
		if ok := err == nil; ok != (name == "no sn line") {
			t.Errorf("%s: verifies = %v", name, ok)
		}
	}
}

// The guide's reply: the signed string hashes to its H0, the signature
// verifies with the platform certificate, and OpenReply returns the
// original reply members.
func TestGuideReply(t *testing.T) {
	k := guideKeys(t)
	if got := hex.EncodeToString(digest(guideURLPath, guideAppID, "1635927956", []byte(guideRespBody))); got != guideRespHash {
		t.Errorf("H0 = %s, want %s", got, guideRespHash)
	}
	if err := verify(k.platform, digest(guideURLPath, guideAppID, "1635927956", []byte(guideRespBody)), HeaderSignature, guideRespSig, requestSaltLength); err != nil {
		t.Errorf("the guide's reply signature with a 32-byte salt: %v", err)
	}
	sent, now := time.Unix(guideReqTS, 0), time.Unix(guideRespTS, 0)
	plain, err := k.OpenReply(guideURLPath, guideReplyHeader(), []byte(guideRespBody), sent, now)
	if err != nil {
		t.Fatalf("OpenReply: %v", err)
	}
	if string(plain) != guideRespPlain {
		t.Errorf("OpenReply = %s\nwant %s", plain, guideRespPlain)
	}
	// Decoded, it is the guide's original reply.
	if !jsonEqual(t, withoutSecurity(t, plain), []byte(guideRespPayload)) {
		t.Errorf("OpenReply without the security members = %s, want %s", withoutSecurity(t, plain), guideRespPayload)
	}
}

// Configured with the retiring serial, the guide's reply is checked against
// its deprecated signature, which the current certificate cannot verify:
// the serial, not the first signature found, picks what is verified.
func TestGuideReplyDeprecatedSerialPicksDeprecatedSignature(t *testing.T) {
	cfg := guideConfig()
	cfg.PlatformSN = guideRetiringSN
	k, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.OpenReply(guideURLPath, guideReplyHeader(), []byte(guideRespBody), time.Unix(guideReqTS, 0), time.Unix(guideRespTS, 0))
	if !errors.Is(err, ErrBadSignature) {
		t.Fatalf("OpenReply = %v, want ErrBadSignature", err)
	}
}

// The platform side opens the guide's exact request, signature and all,
// back to the original parameters.
func TestGuideRequestOpensOnPlatform(t *testing.T) {
	p, err := NewPlatform(PlatformConfig{
		AppID: guideAppID, SymmetricKey: guideSymKey, SymmetricSN: guideSymSN,
		AppPublicKeyPEM: retiringPubPEM(t), PlatformKeyPEM: []byte(guideAppKeyPEM), PlatformSN: guidePlatformSN,
	})
	if err != nil {
		t.Fatal(err)
	}
	hdr := http.Header{}
	hdr.Set(HeaderAppID, guideAppID)
	hdr.Set(HeaderTimestamp, "1635927954")
	hdr.Set(HeaderSignature, guideReqSig)
	plain, err := p.OpenRequest(guideURLPath, hdr, []byte(guideReqBody), time.Unix(guideReqTS, 0))
	if err != nil {
		t.Fatalf("OpenRequest: %v", err)
	}
	if string(plain) != guideReqPlain {
		t.Errorf("OpenRequest = %s\nwant %s", plain, guideReqPlain)
	}
}
