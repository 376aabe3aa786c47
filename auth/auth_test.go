package auth_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/waybill-go/waybill/auth"
)

func TestStaticToken(t *testing.T) {
	t.Parallel()
	s := auth.StaticToken("s3cr3t-token")
	if got := mustToken(t, s); got != "s3cr3t-token" {
		t.Fatalf("Token = %q", got)
	}
	for _, text := range []string{fmt.Sprint(s), fmt.Sprintf("%+v %#v %s %q", s, s, s, s)} {
		if strings.Contains(text, "s3cr3t") {
			t.Errorf("static token printed: %q", text)
		}
	}
	if _, err := auth.StaticToken("").Token(context.Background()); !errors.Is(err, auth.ErrEmptyToken) {
		t.Errorf("empty static token: err = %v", err)
	}
	if _, ok := s.(auth.Invalidator); ok {
		t.Error("a static token cannot be invalidated, it must not claim to be an Invalidator")
	}
}

func TestNoToken(t *testing.T) {
	t.Parallel()
	if !auth.IsNoToken(auth.NoToken()) {
		t.Fatal("IsNoToken(NoToken()) = false")
	}
	if auth.IsNoToken(auth.StaticToken("x")) || auth.IsNoToken(nil) {
		t.Fatal("IsNoToken true for another source")
	}
	if tok, err := auth.NoToken().Token(context.Background()); tok != "" || err != nil {
		t.Fatalf("NoToken().Token = %q, %v", tok, err)
	}
}

func TestTokenNeverPrintsValue(t *testing.T) {
	t.Parallel()
	tok := auth.NewToken("ACCESS-TOKEN-VALUE", time.Hour, time.Now())
	var logs strings.Builder
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("token", "tok", tok)
	for _, text := range []string{
		fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s %q %x", tok, tok, tok, tok, tok, tok),
		fmt.Sprintf("%v", &tok), fmt.Sprintf("%+v", []auth.Token{tok}), logs.String(),
	} {
		if strings.Contains(text, "ACCESS-TOKEN-VALUE") {
			t.Errorf("token value printed: %q", text)
		}
	}
	if !strings.Contains(logs.String(), "REDACTED") {
		t.Errorf("log line = %q, want a redacted value", logs.String())
	}
}
