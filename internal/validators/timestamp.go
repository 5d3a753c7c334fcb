package validators

// The timestamp check and its validator: a point in time written as an
// RFC 3339 timestamp, as the created_after and created_before filters take
// it.

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// timestampForm says what an RFC 3339 timestamp looks like.
const timestampForm = `expected an RFC 3339 timestamp: a date, "T", a time and a time zone offset (Z for UTC), ` +
	`such as "2030-01-01T09:00:00Z" or "2030-01-01T10:00:00+01:00"`

// CheckTimestamp parses s as an RFC 3339 timestamp, such as
// "2030-01-01T09:00:00Z", "2030-01-01T10:00:00+01:00" or, with a fraction
// of a second, "2030-01-01T09:00:00.5Z". Its error quotes s, says what was
// expected and, for a date without a time or a time without an offset, the
// timestamp that was probably meant.
func CheckTimestamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err == nil {
		return t, nil
	}
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return time.Time{}, fmt.Errorf("%q is a date without a time: %s; for midnight UTC write %q", s, timestampForm, s+"T00:00:00Z")
	}
	if _, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return time.Time{}, fmt.Errorf("%q has no time zone offset: %s; for UTC write %q", s, timestampForm, s+"Z")
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp: %s", s, timestampForm)
}

// Timestamp validates a string attribute with CheckTimestamp.
func Timestamp() validator.String {
	return timestampValidator{Text: `must be an RFC 3339 timestamp, such as "2030-01-01T09:00:00Z"`}
}

type timestampValidator struct{ Text }

func (timestampValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := CheckTimestamp(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Timestamp",
			fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	}
}
