package logistics

import (
	"context"
	"errors"
	"strings"
)

// MaxPrinterTags is how many tag IDs one printer may have.
const MaxPrinterTags = 10

// UpdatePrinterRequest is the body of printer/update.
type UpdatePrinterRequest struct {
	OpenID     string `json:"openid"`      // the printer's (a person's) openid
	UpdateType string `json:"update_type"` // Bind or Unbind
	// TagIDList limits a platform mini program's printer to the orders of
	// some merchants: up to 10 tag IDs, comma-separated without spaces,
	// e.g. "123,456".
	TagIDList string `json:"tagid_list,omitempty"`
}

// Validate checks OpenID, UpdateType and the form of TagIDList.
func (r *UpdatePrinterRequest) Validate() error {
	if r == nil {
		return nilRequest("UpdatePrinterRequest")
	}
	return errors.Join(
		text("OpenID", r.OpenID, true, 0),
		invalid(r.UpdateType != Bind && r.UpdateType != Unbind, "UpdateType", `must be "bind" or "unbind"`),
		invalid(!validTagList(r.TagIDList), "TagIDList", "must be up to 10 numeric tag IDs separated by commas, without spaces"),
	)
}

func validTagList(s string) bool {
	if s == "" {
		return true
	}
	tags := strings.Split(s, ",")
	if len(tags) > MaxPrinterTags {
		return false
	}
	for _, t := range tags {
		if t == "" || strings.Trim(t, "0123456789") != "" {
			return false
		}
	}
	return true
}

// UpdatePrinter adds or removes a label printer (someone who prints with
// WeChat's PC printing tool): POST /cgi-bin/express/business/printer/update.
//
// Success is errcode 0. Notable errcode: 9300517 a wrong update_type.
func (c *Client) UpdatePrinter(ctx context.Context, req *UpdatePrinterRequest) error {
	_, err := send[statusReply](ctx, c, epUpdatePrinter, req)
	return err
}

// GetAllPrinterResponse is WeChat's reply to printer/getall.
type GetAllPrinterResponse struct {
	ErrCode   int      `json:"errcode"`
	ErrMsg    string   `json:"errmsg"`
	Count     int      `json:"count"`
	OpenID    []string `json:"openid"`
	TagIDList []string `json:"tagid_list"`
}

// GetAllPrinter lists the label printers: GET
// /cgi-bin/express/business/printer/getall.
//
// WeChat's success reply carries no errcode: a reply is a success when it
// has errcode 0, or no errcode and count.
func (c *Client) GetAllPrinter(ctx context.Context) (*GetAllPrinterResponse, error) {
	return send[GetAllPrinterResponse](ctx, c, epGetAllPrinter, nil)
}
