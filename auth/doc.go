// Package auth provides the access tokens that waybill's clients send.
//
// A TokenSource hands out a valid token; an Invalidator also takes back a
// token the server rejected, so that the next call fetches a new one.
//
//   - StaticToken serves a token obtained elsewhere.
//   - NoToken is for WeChat Cloud Hosting, where calls carry no token.
//   - WeChatTokenSource fetches WeChat tokens (stable_token by default),
//     caches them and refreshes them early; one fetch runs at a time however
//     many goroutines ask.
//   - CachedSource is the caching core, for any provider's tokens. A panic
//     in a refresh (a Store, a fetch) is every waiting caller's error
//     (ErrRefreshPanicked), never the end of the process.
//
// A token endpoint refusing the AppID or AppSecret is an *errors.APIError
// matching errors.ErrInvalidCredentials. The options (WithBaseURL,
// WithHTTPClient, WithLogger, WithRetry, WithUserAgent, WithStore,
// WithClock, WithTracerProvider, WithMeterProvider) carry the names every
// package of the SDK uses; logistics.NewAppClient passes a client's own to
// the token source it builds.
//
// # Sharing tokens between processes
//
// Every fetch from WeChat's classic /cgi-bin/token endpoint invalidates the
// previous token, and both endpoints have daily quotas. Processes of one app
// must therefore share one token: give each the same Store, such as
// github.com/waybill-go/waybill/auth/redisstore. A Store also carries the
// right to refresh, so across the fleet one process fetches and the others
// adopt its token.
//
// # Secrets
//
// No String, Format or LogValue method of this package prints a
// token or an AppSecret, and errors from the token endpoints have them
// redacted, including the URL inside Go's *url.Error.
package auth
