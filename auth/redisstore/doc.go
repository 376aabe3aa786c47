// Package redisstore shares access tokens between processes through Redis.
//
// A Store implements auth.Store on github.com/redis/go-redis/v9. Give every
// process of an app the same Store configuration (the same Redis and key
// prefix) through auth.WithStore, and the fleet behaves like one token
// cache:
//
//   - All processes use the token kept in Redis.
//   - When it is due for refresh, one process at a time holds the right to
//     fetch a new one: a lock key taken with SET NX PX and a random holder
//     ID, released by a script that deletes it only for that holder. The
//     others poll for the lock, find the new token when they get it, and
//     use it without fetching.
//   - A process whose call was refused with an invalid-token error drops
//     the token from Redis only if it is still the one refused (a
//     compare-and-delete script). If another process has already stored a
//     newer one, that one is kept and adopted, so a rejection seen by the
//     whole fleet costs one fetch.
//   - A process that dies holding the lock delays the others by at most
//     the lock TTL (WithLockTTL, 10 s by default): the lock then expires.
//
// # Keys
//
// A token lives under the prefix (WithPrefix, "waybill:" by default)
// followed by the key auth gives it, which names the provider, the app ID
// and the token kind, for example "waybill:wechat:wx1234:stable". Its lock
// is that key followed by ":lock". Neither ever contains a secret. The value
// is a small JSON document with the token, its expiry and its refresh time;
// Redis expires it when the token does.
//
// # When Redis is down
//
// By default (Fail) every operation returns an error matching
// ErrUnavailable that names Redis, the operation and the key, so token
// sources fail loudly rather than fetch on their own. WithFailurePolicy
// (FallBack) makes the Store act as an empty, unshared store instead, and
// logs each fallback at Warn level: each process then fetches its own
// token. See FailurePolicy for which to choose.
//
// The Store adds no timeouts or retries of its own: how long an operation
// takes to fail is up to the client's options. With go-redis's defaults a
// Redis that refuses connections costs a couple of seconds per operation
// (dial retries, then command retries); lower DialTimeout, DialerRetries
// and MaxRetries to fail sooner. Every command the Store sends can safely
// be retried by the client.
//
// A Store never prints a token: its errors, log records and String show
// keys, the Redis address and Redis's own error text.
package redisstore
