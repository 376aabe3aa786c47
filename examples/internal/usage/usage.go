// Package usage gives the example programs one way to explain themselves.
// -h and --help print what the command does, its flags and every
// environment variable it reads, to stdout, and the program exits 0. A
// usage error (a bad flag, a stray argument, a missing required input)
// prints what is wrong and the same text to stderr, and the program exits 2.
package usage

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Exit statuses shared by the example programs.
const (
	OK      = 0 // the job was done
	Failed  = 1 // the job could not be done; the output says why
	Misused = 2 // bad usage; the usage was printed to stderr
)

// Var is an environment variable a program reads.
type Var struct {
	Name    string
	Meaning string
}

// Command describes a program for its usage text.
type Command struct {
	Synopsis string        // how it is called, e.g. "wechat-cancel -order ID ..."
	About    string        // what it does: paragraphs, lines wrapped by hand
	Flags    *flag.FlagSet // its flags; Parse configures its output
	Env      []Var         // every environment variable it reads
	Examples []string      // command lines, shown as they are
	Stdout   io.Writer     // where -h prints
	Stderr   io.Writer     // where usage errors print
}

// Print writes the usage text to w.
func (c *Command) Print(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n", c.Synopsis)
	fmt.Fprintln(w, strings.TrimSpace(c.About))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Flags:")
	out := c.Flags.Output()
	c.Flags.SetOutput(w)
	c.Flags.PrintDefaults()
	c.Flags.SetOutput(out)
	fmt.Fprintln(w)
	if len(c.Env) == 0 {
		fmt.Fprintln(w, "Environment: none is read.")
	} else {
		fmt.Fprintln(w, "Environment:")
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		for _, v := range c.Env {
			fmt.Fprintf(tw, "  %s\t%s\n", v.Name, v.Meaning)
		}
		_ = tw.Flush()
	}
	if len(c.Examples) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Examples:")
		for _, e := range c.Examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

// Parse parses args with c.Flags. It reports whether the program goes on;
// when it does not, code is the exit status: OK after -h or --help (the
// usage on stdout), Misused after a bad flag or an argument that is not a
// flag (the error and the usage on stderr).
func (c *Command) Parse(args []string) (code int, goOn bool) {
	c.Flags.SetOutput(c.Stderr) // for flag's own error messages
	c.Flags.Usage = func() {}   // printed below, to the right stream
	if err := c.Flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.Print(c.Stdout)
			return OK, false
		}
		fmt.Fprintln(c.Stderr)
		c.Print(c.Stderr)
		return Misused, false
	}
	if c.Flags.NArg() > 0 {
		return c.Fail("unexpected arguments %q: everything is given with flags", c.Flags.Args()), false
	}
	return OK, true
}

// Fail prints what is wrong and the usage to stderr, and returns Misused.
func (c *Command) Fail(format string, args ...any) int {
	fmt.Fprintf(c.Stderr, "%s: %s\n\n", c.Flags.Name(), fmt.Sprintf(format, args...))
	c.Print(c.Stderr)
	return Misused
}

// Unset returns the names of the flags among names that were left empty,
// each with its dash, in the order given.
func (c *Command) Unset(names ...string) []string {
	var unset []string
	for _, name := range names {
		if f := c.Flags.Lookup(name); f == nil || f.Value.String() == "" {
			unset = append(unset, "-"+name)
		}
	}
	return unset
}
