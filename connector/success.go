package connector

import (
	"encoding/json"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/redact"
)

// maxResponseMessage caps ResponseError.Message: the SDK-wide cap on
// quoted bodies.
const maxResponseMessage = redact.MaxBody

// checkSuccess applies response.success_path to a decoded page body: nil
// when the template names none or the flag is true, else a *ResponseError.
// It runs on the page decodePage returned, even when decodePage also
// failed for the records (an error body often has none), so the vendor's
// own message wins over "no records at records_path".
func checkSuccess(body any, success, message *jsonpath.Path) error {
	if success == nil {
		return nil
	}
	v, ok := success.Get(body)
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
	if message != nil {
		e.MessagePath = message.String()
		if m, ok := message.Get(body); ok && m != nil {
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
