package logistics

import (
	"strings"

	"github.com/waybill-go/waybill/internal/wxapi"
)

// endpoint is one WeChat API the client calls.
type endpoint struct {
	op      string   // names the API in errors and logs, e.g. "order/add"
	method  string   // http.MethodPost or http.MethodGet
	path    string   // e.g. "/cgi-bin/express/business/order/add"
	success []string // top-level reply members whose presence marks a success when the reply has no errcode
	wx      wxapi.Endpoint
}

// newEndpoint describes an API. codes maps errcodes only this API
// documents to sentinels (nil for none).
func newEndpoint(op, method, path string, success []string, codes map[int]error) *endpoint {
	return &endpoint{op: op, method: method, path: path, success: success,
		wx: wxapi.Endpoint{Op: op, Success: success, Codes: codes}}
}

// isBlank reports whether s is empty or only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
