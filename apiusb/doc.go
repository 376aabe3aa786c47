// Package apiusb is a client for APIUSB's order cancellation service,
// App.Logistics.CCancelOrder, a PhalApi service at
// https://api.apiusb.com/api/app.
//
//	client, err := apiusb.NewClient()
//	resp, err := client.CancelOrder(ctx, &apiusb.CancelOrderRequest{
//		OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769", CancelMsg: "不要了",
//	})
//
// Client also implements waybill.Canceller, which maps the provider-neutral
// request like this:
//
//	waybill.CancelRequest   CancelOrderRequest   sent as
//	OrderID (required)      OrderID              orderId
//	WaybillID (required)    TaskID               taskId
//	Reason (required)       CancelMsg            cancelMsg
//	DeliveryID, OpenID      -                    not sent
//
// A missing field fails before anything is sent, with an error that matches
// errors.ErrInvalidParam and names the field.
//
// # Requests
//
// Every call sends the service name as s, the parameters (encoded with
// github.com/google/go-querystring, UTF-8) and, only when the client has an
// access token (WithAccessToken or WithAppKey), access_token. By default they travel as an
// application/x-www-form-urlencoded POST body, so the token never appears in
// a URL; WithMethod(http.MethodGet) puts them in the query string instead,
// where the SDK still redacts the token from its own logs and errors but
// proxies and server logs may record it. With WithLogger, each exchange is logged at debug level with the token
// redacted from the URL; bodies are never logged.
//
// # Replies and errors
//
// A reply is an envelope {"ret": …, "data": …, "msg": …}. The client reads
// it defensively: ret and data.code may be numbers or numeric strings; data
// may be an object, a string, an array, null or missing; a non-string
// data.data or msg is kept as its JSON text; a UTF-8 byte order mark and
// trailing commas before a closing brace or bracket (as in APIUSB's own
// sample reply) are tolerated. No reply makes the client panic.
//
// A cancellation succeeded when ret is 200 and data.code is 200. Anything
// else is an *errors.APIError with Provider "apiusb", whose Sentinel (and
// so errors.Is) is one of package github.com/waybill-go/waybill/errors:
//
//	ret                   matches
//	400                   ErrInvalidParam
//	401, 403, 406         ErrUnauthorized (from ApplyToken: ErrInvalidCredentials)
//	404                   ErrServiceNotFound
//	5xx                   ErrSystem
//
// APIUSB documents no business codes for data.code. An account's own codes
// are mapped with WithDataCodes, for example
//
//	apiusb.WithDataCodes(map[int]error{
//		1001: werrors.ErrAlreadyHasTrace, // picked up: too late to cancel
//		1002: werrors.ErrDuplicateCancel, // cancelled before
//	})
//
// so that provider-neutral code branches on the same sentinels as for
// WeChat. A data.code not in that map is read with the ret table above
// (some services reuse those numbers); 0 matches ErrSystem.
//
// Code is ret when ret is not 200, and data.code otherwise (CodeName says
// which); Message is msg, or data.message (with msg in parentheses if it
// differs). A reply that is no envelope (an HTML page from a gateway, an
// empty or truncated body, a redirect, a body over the size cap) and a
// ret-200 reply without an integer data.code have Code 0 and match
// ErrSystem; Err says what was wrong. Once a reply is an envelope, its HTTP
// status does not change the verdict. CancelOrder returns the decoded
// response alongside the error whenever there was an envelope.
//
// Transport errors, ret 5xx and HTTP 5xx without an envelope are retried
// with backoff under WithRetry's policy (default waybill.DefaultRetryPolicy);
// ret 4xx and data.code failures never are. The context bounds the whole
// call, waits included. errors.Retryable tells a caller whether trying
// again later may help.
//
// Lost answers: when an attempt may have reached APIUSB without its answer
// coming back and the retry's data.code is mapped to ErrDuplicateCancel, the
// order is cancelled and the call succeeds, as with WeChat's 9300524.
//
// # Access tokens
//
// Accounts with signing turned on need an access_token. WithAppKey makes
// the client get one itself from App.Auth.ApplyToken, through a TokenSource
// built with the client's own options (HTTP client, logger, retry policy,
// User-Agent, and WithStore, WithClock, WithTokenLifetime for the token
// itself): the settings are given once.
//
//	client, err := apiusb.NewClient(apiusb.WithAppKey(appKey, appSecret), apiusb.WithStore(sharedStore))
//
// A TokenSource of its own (NewTokenSource, which takes the same options)
// or a token obtained elsewhere (auth.StaticToken) goes in with
// WithAccessToken. Tokens are cached in an auth.Store under
// "apiusb:"+appKey (never the secret) and refreshed shortly before they
// expire; one fetch runs at a time however many goroutines ask.
//
// When a call is refused with ret 401, 403 or 406 (ret only: data.code is
// the business result) and the token source is an auth.Invalidator, as
// TokenSource is, the client drops the token, gets a new one and re-sends
// the identical parameters once; a second refusal is returned (it matches
// ErrUnauthorized). auth.StaticToken works too, but cannot be refreshed:
// its refusal is returned at once.
//
// APIUSB does not document ApplyToken's reply, so TokenSource assumes the
// PhalApi Pro convention and nothing more:
//
//   - The request is a POST form with s=App.Auth.ApplyToken, app_key and
//     app_secret, so the secret stays out of URLs.
//   - The reply is an envelope with ret 200 whose data is an object holding
//     a non-empty string access_token. A 4xx ret other than 404 is a refusal
//     of the app key or secret, matching ErrInvalidCredentials; 404 matches
//     ErrServiceNotFound and 5xx ErrSystem (retried). Ret 200 without
//     data.access_token is an error matching ErrSystem that wraps
//     ErrNoAccessToken, or, if data carries an integer code other than 0 and
//     200, an *errors.APIError with that code and data.message, matching
//     ErrInvalidCredentials.
//   - The lifetime comes from the first of these data fields present:
//     expires_in or expire_in, a number of seconds from now; then
//     expire_time, expires_at or expire_at, an absolute time given as Unix
//     seconds (values of 1e12 and more are read as Unix milliseconds, values
//     under 1e9 as seconds from now), or as a date string in RFC 3339 or
//     "2006-01-02 15:04:05" form, the latter in China time (UTC+8). Numbers
//     may be sent as numeric strings. A malformed value or a time already
//     past fails the fetch.
//   - With no expiry field, the token is assumed to live
//     DefaultTokenLifetime (30 days, about what APIUSB's tokens live), or
//     what WithTokenLifetime says. Should it die sooner, the refusal
//     triggers the refresh described above.
//
// # Secrets
//
// Neither the access token nor the app secret appears in any error, in
// any error it wraps (transport errors from GET requests included, whose
// URL is redacted), in a debug log line, or in what the String, GoString,
// Format and LogValue methods of Client and TokenSource print. Texts from
// APIUSB that echo the token back, in errors and in responses alike, have it
// replaced by REDACTED.
package apiusb
