package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/examples/internal/usage/usagetest"
	"github.com/waybill-go/waybill/internal/safetynet"
)

// clearEnv unsets the credentials for the test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"APIUSB_APP_KEY", "APIUSB_APP_SECRET", "APIUSB_ACCESS_TOKEN"} {
		t.Setenv(k, "")
	}
}

func runIt(args []string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRunAgainstFake(t *testing.T) {
	clearEnv(t)
	for _, method := range []string{"POST", "GET"} {
		var out, errOut bytes.Buffer
		code := run([]string{"-fake", "-order", "o-1", "-task", "t-1", "-reason", "不要了", "-method", method}, &out, &errOut)
		if code != 0 || out.String() != "task t-1 (order o-1): cancelled (APIUSB says: 取消成功)\n  next: mark the order cancelled\n" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", method, code, out.String(), errOut.String())
		}
	}
}

func TestRunFakeRefusals(t *testing.T) {
	clearEnv(t)
	// The account's codes are not mapped (apiusb.WithDataCodes): the
	// refusal is told as it came, and the advice says to read it.
	for state, want := range map[string]string{
		"picked-up": "code 1001: task already picked up",
		"cancelled": "code 1002: task already cancelled",
	} {
		var out, errOut bytes.Buffer
		code := run([]string{"-fake", "-fake-state", state, "-order", "o-1", "-task", "t-1", "-reason", "x"}, &out, &errOut)
		if code != 1 || !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "next: read the reason above") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", state, code, out.String(), errOut.String())
		}
	}
}

func TestRunDebugRedactsSecrets(t *testing.T) {
	clearEnv(t)
	var out, errOut bytes.Buffer
	code := run([]string{"-fake", "-debug", "-method", "GET", "-order", "o-1", "-task", "t-1", "-reason", "x"}, &out, &errOut)
	log := errOut.String()
	if code != 0 || !strings.Contains(log, "App.Auth.ApplyToken") || !strings.Contains(log, "access_token=REDACTED") {
		t.Fatalf("exit %d, stderr %q", code, log)
	}
	if strings.Contains(log, "FAKE_AT_") || strings.Contains(log, apiusbtest.DefaultAppSecret) {
		t.Fatalf("the debug log leaks a secret: %q", log)
	}
}

// newServer starts a fake that requires tokens and knows task t-1, for runs
// with credentials from the environment.
func newServer(t *testing.T) *apiusbtest.Server {
	t.Helper()
	srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired(), apiusbtest.WithApp("k", "s"))
	t.Cleanup(srv.Close)
	srv.AddTask(apiusbtest.Task{OrderID: "o-1", TaskID: "t-1"})
	return srv
}

func TestRunWithCredentialsFromEnv(t *testing.T) {
	clearEnv(t)
	args := func(srv *apiusbtest.Server) []string {
		return []string{"-base-url", srv.URL, "-order", "o-1", "-task", "t-1", "-reason", "x"}
	}

	srv := newServer(t)
	t.Setenv("APIUSB_APP_KEY", "k")
	t.Setenv("APIUSB_APP_SECRET", "s")
	var out, errOut bytes.Buffer
	if code := run(args(srv), &out, &errOut); code != 0 || srv.TokenFetches() != 1 {
		t.Fatalf("app key: exit %d, %d fetches, stdout %q, stderr %q", code, srv.TokenFetches(), out.String(), errOut.String())
	}

	srv = newServer(t)
	ts, err := srv.TokenSource()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	clearEnv(t)
	t.Setenv("APIUSB_ACCESS_TOKEN", tok)
	out.Reset()
	if code := run(args(srv), &out, &errOut); code != 0 || srv.RequestsTo(apiusbtest.ServiceCancelOrder)[0].Params.Get("access_token") != tok {
		t.Fatalf("static token: exit %d, stdout %q", code, out.String())
	}

	// No credentials: nothing is sent as access_token, and this account
	// wants one.
	srv = newServer(t)
	clearEnv(t)
	out.Reset()
	errOut.Reset()
	if code := run(args(srv), &out, &errOut); code != 1 || !strings.Contains(out.String(), "would not let the request through") || !strings.Contains(errOut.String(), "sending no access_token") {
		t.Fatalf("no credentials: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

func TestRunTimeout(t *testing.T) {
	clearEnv(t)
	srv := newServer(t)
	// An hour's delay: only -timeout can end the run.
	srv.Inject(apiusbtest.Fault{Service: apiusbtest.ServiceCancelOrder, Delay: time.Hour})
	t.Setenv("APIUSB_APP_KEY", "k")
	t.Setenv("APIUSB_APP_SECRET", "s")
	var out, errOut bytes.Buffer
	code := safetynet.Wait(t, "a run with -timeout 100ms against an hour's delay", func() int {
		return run([]string{"-base-url", srv.URL, "-timeout", "100ms", "-order", "o-1", "-task", "t-1", "-reason", "x"}, &out, &errOut)
	})
	if code != 1 || !strings.Contains(out.String(), "no answer in time") {
		t.Fatalf("exit %d, stdout %q", code, out.String())
	}
	if task, _ := srv.Task("t-1"); task.State != apiusbtest.TaskOpen {
		t.Fatalf("task state %v: the delayed request was handled", task.State)
	}
}

func TestHelp(t *testing.T) {
	clearEnv(t)
	usagetest.Help(t, runIt, "APIUSB_APP_KEY", "APIUSB_APP_SECRET", "APIUSB_ACCESS_TOKEN", "-order", "-task", "-reason", "-fake", "Cancels one APIUSB task")
}

func TestUsageErrors(t *testing.T) {
	clearEnv(t)
	// No arguments and no environment: everything required is named.
	usagetest.Misused(t, runIt, nil, "missing -order, -task, -reason")
	// One missing, even with -fake: refused before any request.
	usagetest.Misused(t, runIt, []string{"-fake", "-order", "o", "-task", "t"}, "missing -reason")
	for name, args := range map[string][]string{
		"bad flag":       {"-nosuchflag"},
		"stray argument": {"-fake", "-order", "o", "-task", "t", "-reason", "x", "extra"},
		"bad method":     {"-fake", "-method", "PUT", "-order", "o", "-task", "t", "-reason", "x"},
		"bad base URL":   {"-base-url", "::not a url", "-order", "o", "-task", "t", "-reason", "x"},
		"bad fake state": {"-fake", "-fake-state", "lost", "-order", "o", "-task", "t", "-reason", "x"},
		"bad timeout":    {"-timeout", "soon"},
	} {
		t.Run(name, func(t *testing.T) { usagetest.Misused(t, runIt, args) })
	}

	t.Setenv("APIUSB_APP_KEY", "k")
	usagetest.Misused(t, runIt, []string{"-order", "o", "-task", "t", "-reason", "x"}, "APIUSB_APP_SECRET")
	t.Setenv("APIUSB_APP_SECRET", "s")
	t.Setenv("APIUSB_ACCESS_TOKEN", "tok")
	usagetest.Misused(t, runIt, []string{"-order", "o", "-task", "t", "-reason", "x"}, "not both")
}
