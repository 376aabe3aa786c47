// Package logistics is WeChat's express business API (物流助手) for shops
// and carriers (the client half), the newer 同城配送 and 微信小店 电子面单
// cancellations, and the push handler that answers WeChat's events (the
// event half).
//
// # Shops and carriers: calling the API
//
// NewAppClient builds a client that gets its access tokens itself, from the
// same settings (base URL, HTTP client, logger, retry policy, User-Agent,
// telemetry); NewClient takes a token source built elsewhere:
//
//	client, err := logistics.NewAppClient(appID, appSecret,
//		logistics.WithTokenOptions(auth.WithStore(sharedStore))) // one token for a fleet
//	resp, err := client.CancelOrder(ctx, &logistics.CancelOrderRequest{
//		OrderID: "01234567890123456789", DeliveryID: "SF", WaybillID: "123456789",
//	})
//
// The shop side has AddOrder, GetOrder, BatchGetOrder, GetPath,
// CancelOrder, GetAllDelivery, GetAllAccount, BindAccount, GetQuota,
// UpdatePrinter, GetAllPrinter and TestUpdateOrder; the carrier side
// UpdatePath, GetContact, PreviewTemplate and UpdateBusiness. Every request
// is checked before it is sent; a wrong field is an *errors.ParamError
// naming it.
//
// A reply is a success only when WeChat says so: a top-level errcode of 0,
// or, for the APIs whose documented success reply has no errcode, the
// members only a success carries. Any other errcode is an *errors.APIError
// whose Sentinel says what it means (ErrAlreadyHasTrace for 9300506,
// ErrDuplicateCancel for 9300524, …), returned with the decoded response;
// errors.Retryable says whether trying later may help. A rejected access
// token is replaced and the call re-sent once; transient failures are
// retried with backoff (WithRetry). When an answer is lost, CancelOrder
// settles the outcome (a retry's 9300524, or asking GetOrder), and AddOrder
// returns the order a lost attempt created. Client also implements
// waybill.Canceller. WithTracerProvider and WithMeterProvider record spans
// and metrics, with no secret in them.
//
// In WeChat Cloud Hosting, where calls carry no access token, pass
// auth.NoToken() to NewClient and WithBaseURL("http://api.weixin.qq.com").
//
// # 同城配送, 微信小店 电子面单 and WeChat API security
//
// Client.Intracity cancels and queries 同城配送 (same-city delivery) orders,
// and Client.EWaybill cancels 微信小店 electronic waybills; both implement
// waybill.Canceller, with the mapping below.
//
// 同城配送 requires WeChat's server API security (服务端 API 签名与加密):
// give the client the four keys of the console's API security page with
// WithAPISecurity, and every 同城配送 call is encrypted and signed, and its
// reply verified and decrypted, on every attempt:
//
//	client, err := logistics.NewClient(tokens, logistics.WithAPISecurity(logistics.APISecurity{
//		AppID: appID, SymmetricKey: symKey, SymmetricSN: symSN,
//		PrivateKeyPEM: privPEM, PlatformCertPEM: certPEM, PlatformSN: certSN,
//	}))
//	resp, err := client.Intracity().CancelOrder(ctx, &logistics.IntracityCancelRequest{
//		WxOrderID: wxOrderID, CancelReasonID: logistics.IntracityReasonNotNeeded,
//	})
//	// resp.DeductFee: the penalty, in fen, once a courier has accepted the order
//
// A reply that fails a check matches errors.ErrSystem and ErrReplyNotVerified;
// WeChat's own refusals under API security (934011, 40230–40240) match
// errors.ErrInvalidCredentials. WithAPISecurity lists which calls are sealed.
//
// Intracity().Cancel maps waybill.CancelRequest as: WaybillID → wx_order_id
// (required); Reason → cancel_reason with cancel_reason_id 99 (other), or,
// when Reason is empty, cancel_reason_id 1 (no longer needed); OrderID is
// not sent (a store_order_id needs the wx_store_id the request lacks) but
// echoed in the result; DeliveryID and OpenID are not used. The result's
// Provider is ProviderIntracity and its DeductFee the penalty in fen.
//
// EWaybill().Cancel maps OrderID → ewaybill_order_id (required, a Uint64
// written as a string), DeliveryID → delivery_id and WaybillID →
// waybill_id (both required); OpenID and Reason are not used. The result's
// Provider is ProviderEWaybill. 电子面单 calls take the 微信小店's access
// token: build that client from the shop's AppID and AppSecret.
//
// # Carriers: answering WeChat's pushes
//
// WeChat pushes events to a carrier's server: add_waybill when a shop
// orders a waybill, cancel_waybill when it cancels one, check_biz and
// get_quota when a shop binds its account or asks for its balance (and
// add_express_path to a shop when a track changes). NewEventHandler
// returns the http.Handler to mount at the URL configured for message
// push; each event has its own callback:
//
//	h, err := logistics.NewEventHandler(logistics.EventConfig{
//		Token:          token, // the console's push Token
//		EncodingAESKey: key,   // 43 characters; leave empty for plain mode only
//		AppID:          appID, // the carrier mini program, required with a key
//		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
//			return carrier.Cancel(ctx, ev.BizID, ev.BizPwd, ev.WayBillID)
//		},
//		OnAddWaybill: func(ctx context.Context, ev *logistics.AddWaybillEvent) (*logistics.AddWaybillResult, error) {
//			return carrier.Order(ctx, ev) // WayBillID and the label's WaybillData
//		},
//	})
//	http.Handle("/wechat/push", h)
//
// The handler answers WeChat's GET URL check and POSTed events in plain,
// compatible and safe mode, in XML or JSON, always replying in the format of
// the request (encrypted in safe mode). Every request's signature is checked
// in constant time, and in safe mode msg_signature too, before anything else
// runs; the ciphertext is checked block by block (padding, length field,
// AppID) before it is parsed, and every document's shape (nesting,
// elements) is bounded before it is decoded.
//
// Secure by default:
//
//   - With an EncodingAESKey, unencrypted pushes are refused (their
//     signature does not cover the body); EventConfig.AllowPlain accepts
//     them while the console switches modes.
//   - A request whose timestamp is more than 5 minutes off is refused
//     (EventConfig.MaxClockSkew).
//   - Every request is remembered (EventConfig.Store): the same signed
//     request again gets the same answer, another body under its signed
//     query a 401, and WeChat's retry of an event already answered for
//     good (any ResultCode but -1) the stored ResultCode, without a second
//     callback. Two deliveries of one event at once run the callback once.
//     A fleet shares the store through redisstore.NewEventStore.
//   - Callbacks get a context ending after 4 seconds
//     (EventConfig.CallbackTimeout), and the handler answers -1 then if
//     the callback has not returned, before WeChat gives up at 5.
//
// The callback's error picks the ResultCode (see ResultCode for
// cancel_waybill, BizResultCode for the others; a *ResultError picks any
// code): nil answers 0, anything unrecognised -1, and so does a panic,
// which the handler recovers (http.ErrAbortHandler excepted, which it
// raises again for net/http). WeChat sees only a fixed ResultMsg per code,
// never the error's text. Events without a callback (debug_demo, …) are
// verified and answered "success".
//
// Refused requests get 401 (signature, msg_signature, stale timestamp,
// unencrypted push, reused signed query, or a message sealed for another
// AppID), 400 (malformed, oversized in shape, or undecryptable body), 413
// (body over EventConfig.MaxBodyBytes, 1 MiB by default), 405 (methods
// other than GET and POST) or 503 (the store failed). BizPwd and
// add_waybill's Token reach the callbacks but are never logged or printed.
//
// Package github.com/waybill-go/waybill/logistics/logisticstest plays
// WeChat's part in tests: its Pusher signs, encrypts and sends any of these
// events to a handler, in process or over HTTP, and verifies and decodes
// the answer.
package logistics
