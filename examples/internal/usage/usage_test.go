package usage

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func command() (*Command, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.String("order", "", "the order ID (required)")
	fs.String("task", "", "the task ID (required)")
	return &Command{
		Synopsis: "demo -order ID -task ID",
		About:    "Does one thing.",
		Flags:    fs,
		Env:      []Var{{Name: "DEMO_TOKEN", Meaning: "a token"}},
		Examples: []string{"demo -order 1 -task 2"},
		Stdout:   &out, Stderr: &errOut,
	}, &out, &errOut
}

func TestHelpGoesToStdout(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help", "-help"} {
		c, out, errOut := command()
		code, goOn := c.Parse([]string{arg})
		if code != OK || goOn || errOut.Len() != 0 {
			t.Fatalf("%s: code %d, go on %v, stderr %q", arg, code, goOn, errOut)
		}
		for _, want := range []string{"usage: demo -order ID -task ID\n", "Does one thing.", "-order string", "the task ID", "DEMO_TOKEN  a token", "Examples:\n  demo -order 1 -task 2"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: usage lacks %q:\n%s", arg, want, out)
			}
		}
	}
}

func TestMisuseGoesToStderr(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"bad flag":       {"-nosuch"},
		"stray argument": {"-order", "1", "extra"},
	} {
		c, out, errOut := command()
		code, goOn := c.Parse(args)
		if code != Misused || goOn || out.Len() != 0 || !strings.Contains(errOut.String(), "\nusage: demo") {
			t.Errorf("%s: code %d, go on %v, stdout %q, stderr %q", name, code, goOn, out, errOut)
		}
	}
	c, _, errOut := command()
	if code, goOn := c.Parse([]string{"-order", "1"}); code != OK || !goOn || errOut.Len() != 0 {
		t.Fatalf("good flags: code %d, go on %v, stderr %q", code, goOn, errOut)
	}
	if got := c.Unset("order", "task"); len(got) != 1 || got[0] != "-task" {
		t.Errorf("Unset = %q, want [-task]", got)
	}
	if code := c.Fail("missing %s", "-task"); code != Misused || !strings.HasPrefix(errOut.String(), "demo: missing -task\n\nusage: demo") {
		t.Errorf("Fail: code %d, stderr %q", code, errOut)
	}
}

func TestNoEnvironmentIsSaid(t *testing.T) {
	t.Parallel()
	c, out, _ := command()
	c.Env = nil
	c.Print(out)
	if !strings.Contains(out.String(), "Environment: none is read.") {
		t.Errorf("usage:\n%s", out)
	}
}
