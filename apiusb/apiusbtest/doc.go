// Package apiusbtest provides a stateful fake of APIUSB for testing code that
// uses package apiusb, in the style of net/http/httptest and of
// github.com/waybill-go/waybill/logistics/logisticstest.
//
// A test starts it in one line, seeds tasks and points a client at it:
//
//	srv := apiusbtest.NewServer()
//	defer srv.Close()
//	srv.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "BAB7EDF0", State: apiusbtest.TaskOpen})
//	client, err := srv.Client() // apiusb.WithBaseURL(srv.URL) and, with WithTokenRequired, a token source
//
// # What it serves
//
// Like a PhalApi service it answers GET and POST requests at one entry
// point, srv.URL (the path "/"), choosing the service by the parameter s
// (or service, as PhalApi also accepts). Parameters may come in the query
// string, an application/x-www-form-urlencoded body or a multipart form;
// body fields win over query fields of the same name. Every answer is HTTP
// 200 with a PhalApi envelope {"ret": …, "data": …, "msg": …}, except
// for injected HTTP faults, other paths (HTTP 404) and other methods
// (HTTP 405), which get a small HTML page as a web server would send.
//
// The envelope's ret follows PhalApi's convention:
//
//	ret   when
//	200   the service ran; for CCancelOrder, data.code says how it went
//	400   a parameter is missing or blank (msg names it, s included), or
//	      the body cannot be read as a form
//	401   ApplyToken with an unknown app_key or a wrong app_secret
//	404   no such service
//	406   WithTokenRequired, and access_token is missing, unknown,
//	      expired or invalidated
//	500   CCancelOrder for a task whose State is none of the TaskX
//	      constants (a test's mistake)
//
// Services are checked in PhalApi's order: the service name (404), then the
// access token (406), then the parameters (400). App.Auth.ApplyToken never
// needs a token. Without WithTokenRequired an access_token, if sent, is
// ignored, as on an account without signing.
//
// # App.Logistics.CCancelOrder and its task book
//
// orderId, taskId and cancelMsg are required. The task is looked up by
// taskId, and its OrderID must equal orderId. A cancellation answers ret
// 200, and then data.code:
//
//	task                          data.code   data.message
//	open (then cancelled)         200         success, with data.data 取消成功
//	picked up                     1001        task already picked up, cannot cancel
//	already cancelled             1002        task already cancelled
//	unknown, or orderId differs   1004        task not found
//
// (CodePickedUp, CodeAlreadyCancelled and CodeTaskNotFound name them.)
//
// APIUSB documents no business codes for refusals. 1001, 1002 and 1004 are
// this fake's own conventions, chosen to map onto no sentinel of package
// github.com/waybill-go/waybill/errors; the real service may answer
// differently, so code that must work against it too should treat any
// data.code other than 200 as "not cancelled" and keep these three for
// tests of its own branches.
//
// # App.Auth.ApplyToken
//
// app_key and app_secret are required (ret 400 names a missing one). The fake
// knows DefaultAppKey with DefaultAppSecret and any app added with WithApp; an
// unknown key or a wrong secret answers ret 401 (rather than 406, which the
// fake keeps for refused access tokens). Success is the PhalApi Pro shape
// that apiusb.TokenSource reads:
//
//	{"ret":200,"data":{"access_token":"FAKE_AT_…","expires_in":2592000,"expire_time":1767225600},"msg":""}
//
// expires_in is the lifetime in whole seconds (rounded up; see
// WithTokenLifetime, default 30 days) and expire_time the same moment in
// Unix seconds by the fake's clock (WithClock). Each call issues a new token;
// earlier ones stay valid until they expire or are invalidated
// (InvalidateToken, ExpireTokens).
//
// # Faults, request log
//
// Inject queues a Fault that changes how the next matching requests are
// answered: a ret with msg, a ret-200 reply with an inner data.code, an
// HTTP error status with an HTML body, a connection dropped before or after
// the request was handled, a delay. Requests and RequestsTo return every
// request received, with its parameters merged from query and body.
//
// All methods of Server are safe for concurrent use.
package apiusbtest
