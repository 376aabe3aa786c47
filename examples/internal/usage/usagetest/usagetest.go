// Package usagetest checks, in the example programs' tests, that a program
// explains itself the way package usage promises.
package usagetest

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/examples/internal/usage"
)

// Run runs a program's run function with args and returns its exit status
// and what it printed to stdout and to stderr.
type Run func(args []string) (code int, stdout, stderr string)

// getenvCall finds the environment variables a source file reads by name.
var getenvCall = regexp.MustCompile(`[Gg]etenv\("([A-Za-z0-9_]+)"\)`)

// EnvRead returns every environment variable the Go file at path reads
// with os.Getenv, or a getenv function, and a literal name.
func EnvRead(t testing.TB, path string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range getenvCall.FindAllStringSubmatch(string(src), -1) {
		names = append(names, m[1])
	}
	return names
}

// Help checks that -h and --help exit 0 with the usage on stdout, nothing
// on stderr, and that the usage names each of names (flags, environment
// variables) and every environment variable main.go reads.
func Help(t testing.TB, run Run, names ...string) {
	t.Helper()
	names = append(EnvRead(t, "main.go"), names...)
	for _, arg := range []string{"-h", "--help"} {
		code, stdout, stderr := run([]string{arg})
		if code != usage.OK || stderr != "" || !strings.HasPrefix(stdout, "usage: ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 0 and the usage on stdout", arg, code, stdout, stderr)
			continue
		}
		for _, name := range names {
			if !strings.Contains(stdout, name) {
				t.Errorf("%s: the usage does not name %s:\n%s", arg, name, stdout)
			}
		}
	}
}

// Misused checks that running with args exits 2 with nothing on stdout and,
// on stderr, the usage and each of want (what is missing, say).
func Misused(t testing.TB, run Run, args []string, want ...string) {
	t.Helper()
	code, stdout, stderr := run(args)
	if code != usage.Misused || stdout != "" || !strings.Contains(stderr, "\nusage: ") {
		t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", args, code, stdout, stderr)
		return
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("%q: stderr does not say %q:\n%s", args, w, stderr)
		}
	}
}
