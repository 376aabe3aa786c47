package waybill

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Canceller cancels a shipment at one provider. *logistics.Client and
// *apiusb.Client implement it.
type Canceller interface {
	Cancel(ctx context.Context, req CancelRequest) (*CancelResult, error)
}

// CancelRequest is a provider-neutral cancellation. See the package doc for
// which fields each provider requires.
type CancelRequest struct {
	OrderID    string // the merchant's order ID: WeChat order_id, APIUSB orderId. Required.
	WaybillID  string // the provider's shipment ID: WeChat waybill_id, APIUSB taskId. Required.
	DeliveryID string // carrier code, e.g. "SF": WeChat delivery_id. Required by WeChat.
	OpenID     string // WeChat user openid. Optional.
	Reason     string // why it is cancelled: APIUSB cancelMsg (required there).
}

// CancelResult is what a provider answered to a successful cancellation.
type CancelResult struct {
	Provider  string // "wechat" or "apiusb"; "wechat-intracity" (同城配送), "wechat-ewaybill" (微信小店 电子面单)
	OrderID   string
	WaybillID string
	Message   string // what the provider said on success
	// DeductFee is the penalty the provider deducted for the cancellation,
	// in fen (分, CNY cents: 200 is ¥2.00); 0 when nothing was deducted or
	// the provider reports no such fee. WeChat 同城配送 fills it (its
	// deductfee, charged once a courier has accepted the order).
	DeductFee int64
}

// RetryPolicy says how a client retries a call whose outcome was a transient
// failure: a transport error, an HTTP 5xx, WeChat errcode -1 or -1000, or
// APIUSB ret 5xx. Business refusals and rate limits are never retried.
//
// The wait before attempt n+1 is a random duration between 0 and
// min(MaxDelay, BaseDelay·2ⁿ⁻¹) ("full jitter"). A wait that would outlast
// the context's deadline is not started: the call returns the last error at
// once.
type RetryPolicy struct {
	MaxAttempts int           // attempts in total, including the first; 1 turns retries off
	BaseDelay   time.Duration // upper bound of the first wait
	MaxDelay    time.Duration // upper bound of any wait
}

// DefaultRetryPolicy is what clients use unless told otherwise: 3 attempts,
// waits of up to 100 ms, then 200 ms.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second}

// NoRetry makes every call a single attempt.
var NoRetry = RetryPolicy{MaxAttempts: 1}

// Validate reports a policy that cannot be used: fewer than one attempt or a
// negative delay.
func (p RetryPolicy) Validate() error {
	if p.MaxAttempts < 1 {
		return fmt.Errorf("retry policy: MaxAttempts must be at least 1, got %d", p.MaxAttempts)
	}
	if p.BaseDelay < 0 || p.MaxDelay < 0 {
		return errors.New("retry policy: negative delay")
	}
	return nil
}
