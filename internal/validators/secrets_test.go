package validators

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// pw is a made-up password that no endpoint error may repeat.
const pw = "s3cr3tPW"

// An endpoint error never repeats user information or the raw value: not
// in its text, and not in a wrapped *url.Error.
func TestCheckEndpointNeverEchoesSecrets(t *testing.T) {
	for raw, want := range map[string]string{
		"https:user:" + pw + "@host.example.com":     "user information",
		"https://user:" + pw + "@ho st.example.com":  "user information",
		"https://user:" + pw + "@example.com":        "user information",
		"ftp://user:" + pw + "@example.com":          "user information",
		"//user:" + pw + "@example.com":              "user information",
		"https://example.com:" + pw:                  "not a valid URL",
		"https://exa mple.com/" + pw:                 "not a valid URL",
		"https://example.com/%zz" + pw:               "not a valid URL",
		"key_" + pw:                                  "not an absolute URL",
		"http://example.com/" + pw:                   "not loopback",
		"https://example.com/?token=" + pw:           "query or fragment",
		"https://example.com/#" + pw:                 "query or fragment",
		"mailto:" + pw + "@example.com":              "user information",
		"https://example.com/\x00" + pw:              "not a valid URL",
		"http://user:" + pw + "@127.0.0.1:8089/path": "user information",
	} {
		_, err := CheckEndpoint(raw)
		if err == nil {
			t.Errorf("CheckEndpoint(%q) = nil, want an error", raw)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "user:") {
			t.Errorf("CheckEndpoint(%q) error repeats the value: %v", raw, err)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("CheckEndpoint(%q) = %v, want an error containing %q", raw, err, want)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			t.Errorf("CheckEndpoint(%q) wraps a *url.Error, which repeats the URL: %v", raw, ue)
		}
	}
}

// A question mark or hash with nothing after it is still a query or
// fragment, refused at validate time rather than when the provider is
// configured.
func TestCheckEndpointEmptyQueryOrFragment(t *testing.T) {
	for _, raw := range []string{"https://example.com/?", "https://example.com?", "https://example.com/#", "https://example.com/?#"} {
		if _, err := CheckEndpoint(raw); err == nil || !strings.Contains(err.Error(), "query or fragment") {
			t.Errorf("CheckEndpoint(%q) = %v, want a query or fragment error", raw, err)
		}
	}
}

func TestCheckCredential(t *testing.T) {
	for _, ok := range []string{"key_abcDEF-123", "a b", "!#$%&'()*+,-./:;<=>?@[]^_`{|}~", "x"} {
		if err := CheckCredential(ok); err != nil {
			t.Errorf("CheckCredential(%q) = %v, want nil", ok, err)
		}
	}
	for bad, want := range map[string]string{
		"":                       "empty",
		" " + pw:                 "starts or ends with a space",
		pw + " ":                 "starts or ends with a space",
		pw + "\x00":              "control character 0x00",
		"\x1b[31m" + pw:          "control character 0x1b",
		pw + "\x7f":              "control character 0x7f",
		pw + "\t" + pw:           "control character 0x09",
		pw + "\n":                "line break",
		pw + "\r\n":              "line break",
		pw + "é":                 "non-ASCII",
		"\u201c" + pw + "\u201d": "non-ASCII",
	} {
		err := CheckCredential(bad)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckCredential(%q) = %v, want an error containing %q", bad, err, want)
			continue
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("CheckCredential(%q) error repeats the value: %v", bad, err)
		}
	}
}

func TestCredentialValidator(t *testing.T) {
	v := Credential()
	for _, attr := range []string{"api_key", "admin_token"} {
		resp := &validator.StringResponse{}
		v.ValidateString(t.Context(), validator.StringRequest{Path: path.Root(attr), ConfigValue: types.StringValue(pw + "\x00")}, resp)
		if !resp.Diagnostics.HasError() {
			t.Fatalf("%s: a credential with a NUL byte passed", attr)
		}
		d := resp.Diagnostics.Errors()[0]
		for _, want := range []string{attr, "not a valid HTTP header value", "control character 0x00", "printable ASCII"} {
			if !strings.Contains(d.Detail(), want) {
				t.Errorf("%s: detail %q does not contain %q", attr, d.Detail(), want)
			}
		}
		if d.Summary() != "Invalid Credential" || strings.Contains(d.Detail(), pw) {
			t.Errorf("%s: %q / %q, want the summary Invalid Credential and no secret", attr, d.Summary(), d.Detail())
		}
	}
	// The empty string is NotEmpty's to report; Credential passes it so that
	// an empty api_key gets one error, not two.
	for _, sv := range []types.String{types.StringNull(), types.StringUnknown(), types.StringValue("key_fine"), types.StringValue("")} {
		resp := &validator.StringResponse{}
		v.ValidateString(t.Context(), validator.StringRequest{Path: path.Root("api_key"), ConfigValue: sv}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%v: want no error, got %v", sv, resp.Diagnostics)
		}
	}
	if d := v.Description(t.Context()); !strings.Contains(d, "printable ASCII") {
		t.Errorf("Description = %q", d)
	}
}
