package logistics

import (
	"context"
	"encoding/base64"
	"errors"
)

// This file is the carrier's side: calls a carrier (运力) makes after
// answering WeChat's add_waybill and check_biz events.

// UpdatePathRequest is the body of path/update.
type UpdatePathRequest struct {
	Token      string `json:"token"` // the Token of the add_waybill event that created the waybill
	WaybillID  string `json:"waybill_id"`
	ActionTime int64  `json:"action_time"` // Unix seconds
	ActionType int    `json:"action_type"` // one of the Action constants
	ActionMsg  string `json:"action_msg"`  // shown to the user; write phone numbers as 11 plain digits
}

// Validate checks that every field is set and ActionType is documented.
func (r *UpdatePathRequest) Validate() error {
	if r == nil {
		return nilRequest("UpdatePathRequest")
	}
	return errors.Join(
		text("Token", r.Token, true, 0),
		text("WaybillID", r.WaybillID, true, 0),
		checkAction(r.ActionTime, r.ActionType, r.ActionMsg),
	)
}

// UpdatePath reports a tracking event of a waybill the carrier created:
// POST /cgi-bin/express/delivery/path/update.
//
// Success is errcode 0. Notable errcodes: 40199 no such waybill
// (errors.ErrWaybillNotFound), 9300507 a wrong Token.
func (c *Client) UpdatePath(ctx context.Context, req *UpdatePathRequest) error {
	_, err := send[statusReply](ctx, c, epUpdatePath, req)
	return err
}

// GetContactRequest is the body of contact/get.
type GetContactRequest struct {
	Token     string `json:"token"` // the Token of the add_waybill event
	WaybillID string `json:"waybill_id"`
}

// Validate checks that Token and WaybillID are set.
func (r *GetContactRequest) Validate() error {
	if r == nil {
		return nilRequest("GetContactRequest")
	}
	return errors.Join(text("Token", r.Token, true, 0), text("WaybillID", r.WaybillID, true, 0))
}

// LabelContact is a sender or receiver as contact/get returns them.
type LabelContact struct {
	Name    string `json:"name"`
	Tel     string `json:"tel"`
	Mobile  string `json:"mobile"`
	Address string `json:"address"` // province, city and district included
}

// GetContactResponse is WeChat's reply to contact/get.
type GetContactResponse struct {
	ErrCode   int          `json:"errcode"`
	ErrMsg    string       `json:"errmsg"`
	WaybillID string       `json:"waybill_id"`
	Sender    LabelContact `json:"sender"`
	Receiver  LabelContact `json:"receiver"`
}

// GetContact reads the unmasked sender and receiver of a waybill: POST
// /cgi-bin/express/delivery/contact/get.
//
// A reply is a success when it has errcode 0, or no errcode and waybill_id,
// sender and receiver. Notable errcodes: 40199 no such waybill, 9300507 a
// wrong Token.
func (c *Client) GetContact(ctx context.Context, req *GetContactRequest) (*GetContactResponse, error) {
	return send[GetContactResponse](ctx, c, epGetContact, req)
}

// PreviewTemplateRequest is the body of template/preview.
type PreviewTemplateRequest struct {
	WaybillID       string           `json:"waybill_id"`
	WaybillTemplate string           `json:"waybill_template"` // the label's HTML template, base64-encoded
	WaybillData     string           `json:"waybill_data"`     // the WaybillData the carrier answers add_waybill with
	Custom          *AddOrderRequest `json:"custom"`           // a shop's order/add body to fill the template with
}

// Validate checks that every field is set and WaybillTemplate is base64.
func (r *PreviewTemplateRequest) Validate() error {
	if r == nil {
		return nilRequest("PreviewTemplateRequest")
	}
	_, b64err := base64.StdEncoding.DecodeString(r.WaybillTemplate)
	return errors.Join(
		text("WaybillID", r.WaybillID, true, 0),
		text("WaybillTemplate", r.WaybillTemplate, true, 0),
		invalid(r.WaybillTemplate != "" && b64err != nil, "WaybillTemplate", "must be base64 (standard encoding)"),
		text("WaybillData", r.WaybillData, true, 0),
		invalid(r.Custom == nil, "Custom", "is required: the order/add body to render"),
	)
}

// PreviewTemplateResponse is WeChat's reply to template/preview.
type PreviewTemplateResponse struct {
	ErrCode                 int    `json:"errcode"`
	ErrMsg                  string `json:"errmsg"`
	WaybillID               string `json:"waybill_id"`
	RenderedWaybillTemplate string `json:"rendered_waybill_template"` // base64-encoded HTML
}

// PreviewTemplate renders a label template with sample data, for debugging
// templates: POST /cgi-bin/express/delivery/template/preview.
//
// A reply is a success when it has errcode 0, or no errcode and both
// waybill_id and rendered_waybill_template. Notable errcodes: 9300502 bad
// WaybillData, 9300512 a template that does not render.
func (c *Client) PreviewTemplate(ctx context.Context, req *PreviewTemplateRequest) (*PreviewTemplateResponse, error) {
	return send[PreviewTemplateResponse](ctx, c, epPreviewTemplate, req)
}

// UpdateBusinessRequest is the body of service/business/update.
type UpdateBusinessRequest struct {
	ShopAppID  string `json:"shop_app_id"` // the ShopAppID of the check_biz event
	BizID      string `json:"biz_id"`
	ResultCode int    `json:"result_code"`          // 0 approves the shop; anything else refuses it
	ResultMsg  string `json:"result_msg,omitempty"` // why it was refused: required when ResultCode is not 0
}

// Validate checks ShopAppID and BizID, and ResultMsg for a refusal.
func (r *UpdateBusinessRequest) Validate() error {
	if r == nil {
		return nilRequest("UpdateBusinessRequest")
	}
	return errors.Join(
		text("ShopAppID", r.ShopAppID, true, 0),
		text("BizID", r.BizID, true, 0),
		invalid(r.ResultCode != 0 && r.ResultMsg == "", "ResultMsg", "is required when ResultCode refuses the shop"),
	)
}

// UpdateBusiness tells WeChat the outcome of a shop's account review that
// the carrier could not give in its check_biz answer: POST
// /cgi-bin/express/delivery/service/business/update.
//
// Success is errcode 0. Notable errcodes: 40013 an invalid ShopAppID,
// 9300525 the shop never applied.
func (c *Client) UpdateBusiness(ctx context.Context, req *UpdateBusinessRequest) error {
	_, err := send[statusReply](ctx, c, epUpdateBusiness, req)
	return err
}
