package validators

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckTimestamp(t *testing.T) {
	nine := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2030-01-01T09:00:00Z":           nine,
		"2030-01-01T10:00:00+01:00":      nine,
		"2030-01-01T04:30:00-04:30":      nine,
		"2030-01-01T09:00:00.25Z":        nine.Add(250 * time.Millisecond),
		"2030-01-01T09:00:00.000000001Z": nine.Add(time.Nanosecond),
	} {
		got, err := CheckTimestamp(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("CheckTimestamp(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                      `"" is not a timestamp: expected an RFC 3339 timestamp`,
		"yesterday":             `"yesterday" is not a timestamp: expected an RFC 3339 timestamp: a date, "T", a time and a time zone offset (Z for UTC), such as "2030-01-01T09:00:00Z"`,
		"2030-01-01":            `"2030-01-01" is a date without a time: expected an RFC 3339 timestamp: a date, "T", a time and a time zone offset (Z for UTC), such as "2030-01-01T09:00:00Z" or "2030-01-01T10:00:00+01:00"; for midnight UTC write "2030-01-01T00:00:00Z"`,
		"2030-01-01T09:00:00":   `"2030-01-01T09:00:00" has no time zone offset: expected an RFC 3339 timestamp`,
		"2030-01-01T09:00:00.5": `; for UTC write "2030-01-01T09:00:00.5Z"`,
		"2030-01-01 09:00:00Z":  `"2030-01-01 09:00:00Z" is not a timestamp`,
		"2030-13-01T09:00:00Z":  `"2030-13-01T09:00:00Z" is not a timestamp`,
		"1893456000":            `"1893456000" is not a timestamp`,
	} {
		if _, err := CheckTimestamp(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckTimestamp(%q) = %v, want an error containing %q", in, err, want)
		}
	}
}

func TestTimestampValidator(t *testing.T) {
	for _, tc := range []struct {
		value types.String
		want  string // "" for no error
	}{
		{types.StringValue("2030-01-01T09:00:00Z"), ""},
		{types.StringNull(), ""},
		{types.StringUnknown(), ""},
		{types.StringValue("soon"), `Attribute created_after: "soon" is not a timestamp: expected an RFC 3339 timestamp`},
	} {
		resp := &validator.StringResponse{}
		Timestamp().ValidateString(t.Context(), validator.StringRequest{Path: path.Root("created_after"), ConfigValue: tc.value}, resp)
		switch {
		case tc.want == "" && resp.Diagnostics.HasError():
			t.Errorf("%v: unexpected error %v", tc.value, resp.Diagnostics)
		case tc.want != "" && !resp.Diagnostics.HasError():
			t.Errorf("%v: want an error containing %q, got none", tc.value, tc.want)
		case tc.want != "":
			d := resp.Diagnostics.Errors()[0]
			if d.Summary() != "Invalid Timestamp" || !strings.Contains(d.Detail(), tc.want) {
				t.Errorf("%v: %q: %q, want Invalid Timestamp: %q", tc.value, d.Summary(), d.Detail(), tc.want)
			}
		}
	}
}
