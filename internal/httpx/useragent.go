package httpx

import (
	"runtime/debug"
	"strings"
	"sync"
)

// modulePath is the SDK's module, looked up in the build information of
// the program it is part of.
const modulePath = "github.com/waybill-go/waybill"

// fallbackVersion is reported when the build information names no version
// of the module: in its own tests, or in a binary built without module
// information.
const fallbackVersion = "devel"

var moduleVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return fallbackVersion
	}
	if bi.Main.Path == modulePath && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	for _, d := range bi.Deps {
		if d.Path == modulePath {
			if d.Replace != nil && d.Replace.Version != "" {
				d = d.Replace
			}
			if d.Version != "" && d.Version != "(devel)" {
				return strings.TrimPrefix(d.Version, "v")
			}
		}
	}
	return fallbackVersion
})

// UserAgent is the User-Agent the SDK sends: "waybill-go/" and the module's
// version, then suffix (an application's own name and version) if there is
// one.
func UserAgent(suffix string) string {
	ua := "waybill-go/" + moduleVersion()
	if suffix = strings.TrimSpace(suffix); suffix != "" {
		ua += " " + suffix
	}
	return ua
}

// CheckUserAgent reports what is wrong with an application suffix for the
// User-Agent, or "" if nothing is: it must be printable ASCII without
// control characters, at most 256 bytes.
func CheckUserAgent(suffix string) string {
	if len(suffix) > 256 {
		return "is longer than 256 bytes"
	}
	for i := 0; i < len(suffix); i++ {
		if c := suffix[i]; c < 0x20 || c > 0x7e {
			return "must be printable ASCII"
		}
	}
	return ""
}
