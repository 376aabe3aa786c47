package auth_test

import (
	"context"
	"fmt"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A WeChatTokenSource fetches once and serves from its cache after that.
func ExampleNewWeChatTokenSource() {
	wechat := logisticstest.NewServer() // stands in for api.weixin.qq.com
	defer wechat.Close()

	tokens, err := auth.NewWeChatTokenSource(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret,
		auth.WithBaseURL(wechat.URL))
	if err != nil {
		panic(err)
	}
	first, _ := tokens.Token(context.Background())
	second, _ := tokens.Token(context.Background())
	fmt.Println(first == second, wechat.TokenFetches())

	// Printing the source never shows the secret.
	fmt.Println(tokens)
	// Output:
	// true 1
	// auth.WeChatTokenSource{AppID:wxfake0000000001 Kind:stable AppSecret:REDACTED}
}

// After WeChat rejects a token, Invalidate drops it and the next Token call
// fetches a new one.
func ExampleWeChatTokenSource_Invalidate() {
	wechat := logisticstest.NewServer()
	defer wechat.Close()
	tokens, err := auth.NewWeChatTokenSource(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret,
		auth.WithBaseURL(wechat.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	old, _ := tokens.Token(ctx)
	wechat.InvalidateToken(old) // e.g. another process force-refreshed it

	_ = tokens.Invalidate(ctx, old)
	fresh, _ := tokens.Token(ctx)
	fmt.Println(fresh != old)
	// Output:
	// true
}
