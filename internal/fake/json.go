package fake

import (
	"encoding/json"
	"net/http"
)

// WriteJSON answers HTTP 200 with v as JSON.
func WriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
