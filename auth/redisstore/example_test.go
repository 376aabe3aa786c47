package redisstore_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/auth/redisstore"
)

// Every process of a shop backend builds its WeChat token source on the
// same Redis, so the processes share one access token and one of them at a
// time refreshes it.
func Example() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()

	store, err := redisstore.New(rdb,
		redisstore.WithPrefix("shop:prod:"),
		redisstore.WithLockTTL(15*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := auth.NewWeChatTokenSource("wx1234567890abcdef", "app-secret",
		auth.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tok, err := tokens.Token(ctx)
	if err != nil {
		// With Redis down, err matches redisstore.ErrUnavailable.
		log.Fatal(err)
	}
	_ = tok // pass tokens, not tok, to logistics.NewClient
	fmt.Println(store)
}

// A process that would rather fetch its own token than fail while Redis is
// unreachable opts into the FallBack policy.
func ExampleWithFailurePolicy() {
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()

	store, err := redisstore.New(rdb, redisstore.WithFailurePolicy(redisstore.FallBack))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(store)
	// Output: redisstore.Store{Addr:localhost:6379 Prefix:"waybill:"}
}
