package usagetest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recorder stands in for the test, to see what the checks report.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Help checks the names given and the variables main.go reads.
func TestHelpCatchesWhatIsMissing(t *testing.T) {
	dir := t.TempDir()
	src := "package main\n\nvar a, b = os.Getenv(\"A_VAR\"), getenv(\"B_VAR\")\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if got := EnvRead(t, "main.go"); fmt.Sprint(got) != "[A_VAR B_VAR]" {
		t.Fatalf("EnvRead = %q", got)
	}
	good := func([]string) (int, string, string) { return 0, "usage: x\n\nA_VAR B_VAR -flag", "" }
	r := &recorder{TB: t}
	Help(r, good, "-flag")
	if len(r.errors) != 0 {
		t.Fatalf("a good program failed: %q", r.errors)
	}
	for name, bad := range map[string]Run{
		"a variable not named": func([]string) (int, string, string) { return 0, "usage: x\n\nA_VAR -flag", "" },
		"a flag not named":     func([]string) (int, string, string) { return 0, "usage: x\n\nA_VAR B_VAR", "" },
		"exit 2":               func([]string) (int, string, string) { return 2, "usage: x\n\nA_VAR B_VAR -flag", "" },
		"on stderr":            func([]string) (int, string, string) { return 0, "", "usage: x\n\nA_VAR B_VAR -flag" },
	} {
		r := &recorder{TB: t}
		Help(r, bad, "-flag")
		if len(r.errors) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

func TestMisusedCatchesWhatIsMissing(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	Misused(r, func([]string) (int, string, string) { return 2, "", "x: missing -a\n\nusage: x" }, nil, "missing -a")
	if len(r.errors) != 0 {
		t.Fatalf("a good program failed: %q", r.errors)
	}
	for name, bad := range map[string]Run{
		"exit 1":        func([]string) (int, string, string) { return 1, "", "x: missing -a\n\nusage: x" },
		"no usage":      func([]string) (int, string, string) { return 2, "", "x: missing -a" },
		"not said":      func([]string) (int, string, string) { return 2, "", "x: bad\n\nusage: x" },
		"on stdout too": func([]string) (int, string, string) { return 2, "x", "x: missing -a\n\nusage: x" },
	} {
		r := &recorder{TB: t}
		Misused(r, bad, nil, "missing -a")
		if len(r.errors) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}
