package connector

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/respath"
)

// maxResponseMessage caps ResponseError.Message: the SDK-wide cap on
// quoted bodies.
const maxResponseMessage = redact.MaxBody

// checkSuccess applies response.success_path to a decoded page body: nil
// when the template names none or the flag is true, else a *ResponseError.
// It runs on the page decodePage returned, even when decodePage also
// failed for the records (an error body often has none), so the vendor's
// own message wins over "no records at records_path".
//
// Either path may name a response header ("header:X-Status"): a header's
// text "true" or "false" (any case) counts as the boolean.
func checkSuccess(ctx context.Context, header http.Header, body any, success, message respath.Source) error {
	if success.IsZero() {
		return nil
	}
	v, ok, err := success.Get(ctx, header, body)
	if err != nil {
		ok = false
	}
	if s, isStr := v.(string); isStr && success.Header != "" {
		switch s = strings.TrimSpace(s); {
		case strings.EqualFold(s, "true"):
			v = true
		case strings.EqualFold(s, "false"):
			v = false
		}
	}
	if b, isBool := v.(bool); ok && isBool && b {
		return nil
	}
	e := &ResponseError{SuccessPath: success.String()}
	switch {
	case !ok:
		e.Value = "absent"
	case v == nil:
		e.Value = "null"
	case v == false:
		e.Value = "false"
	default:
		e.Value = jsonKind(v)
	}
	if !message.IsZero() {
		e.MessagePath = message.String()
		if m, ok, err := message.Get(ctx, header, body); err == nil && ok && m != nil {
			e.Message = messageText(m)
		}
	}
	return e
}

// messageText renders an error message value: a string as is, anything else
// as compact JSON; capped at maxResponseMessage bytes.
func messageText(v any) string {
	s, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		s = string(b)
	}
	return redact.Cap(s, maxResponseMessage)
}
