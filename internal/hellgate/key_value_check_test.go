package hellgate

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestMaskMismatch(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		value, masked string
		fits          bool
	}{
		{"key_1234567890ABCDEF", "key_123xxxx", true},
		{"key_1234567890ABCDEF", "key_1234xxxx", true},
		{"key_abcxyz0123456789", "key_abcxxxxx", true}, // visible part ending in the mask character
		{"key_1234567890ABCDEF", "xxxxCDEF", true},
		{"key_1234567890ABCDEF", "****CDEF", true},
		{"key_9234567890ABCDEF", "key_123xxxx", false},
		{"key_1234567890ABCDEF", "xxxxCDEX", false},
		{"key_123", "key_123xxxx", false}, // no longer than what is shown
		{"key_1234567890ABCDEF", "", false},
		{"key_1234567890ABCDEF", "xxxxxxxx", false},       // nothing visible
		{"key_1234567890ABCDEF", "key_1234567890", false}, // no mask: an unknown form
	} {
		got := maskMismatch(tt.value, tt.masked)
		if (got == "") != tt.fits {
			t.Errorf("maskMismatch(%q, %q) = %q, want fits=%v", tt.value, tt.masked, got, tt.fits)
		}
	}
}

// The value is checked with the client's credential first (the masked
// form), then sent as x-api-key in place of the credential; a 401 is a
// *KeyValueError naming the key, and neither it nor the log holds the
// value, though the server echoes it.
func TestVerifyKeyValue_refusedEcho(t *testing.T) {
	t.Parallel()
	const value = "key_123/Pl4intext+Secret=="
	rec := replies(
		jsonStatus(http.StatusOK, keyJSON("k1")),
		func(w http.ResponseWriter, r *http.Request) {
			jsonStatus(http.StatusUnauthorized, map[string]string{"message": "bad key " + r.Header.Get(headerAPIKey)})(w, r)
		},
	)
	c, _ := newTestClient(t, rec)
	err := c.VerifyKeyValue(t.Context(), "k1", value)
	if !IsKeyValueRejected(err) {
		t.Fatalf("err = %v, want a rejected key value", err)
	}
	var kve *KeyValueError
	if !errors.As(err, &kve) || kve.ID != "k1" || !strings.Contains(err.Error(), "API key k1") || !strings.Contains(err.Error(), "401") {
		t.Errorf("err = %v, want one naming key k1 and the 401", err)
	}
	if strings.Contains(err.Error(), "Pl4intext") {
		t.Errorf("the error quotes the value: %v", err)
	}
	reqs := rec.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (get, then the check)", len(reqs))
	}
	if reqs[0].Header.Get(headerAPIKey) != "" || reqs[0].Header.Get(headerAdminToken) == "" {
		t.Errorf("the get was not sent with the client's credential: %v", reqs[0].Header)
	}
	if reqs[1].Header.Get(headerAPIKey) != value || reqs[1].Header.Get(headerAdminToken) != "" {
		t.Errorf("the check was not sent with the value alone as x-api-key: %v", reqs[1].Header)
	}
	if got := c.redact("echo " + value); strings.Contains(got, "Pl4intext") {
		t.Errorf("the client does not redact the value afterwards: %q", got)
	}
}

// A value that does not fit the masked form is refused without being sent.
func TestVerifyKeyValue_maskMismatchSendsNothing(t *testing.T) {
	t.Parallel()
	rec := replies(jsonStatus(http.StatusOK, keyJSON("k1")), status(http.StatusOK, "{}"))
	c, _ := newTestClient(t, rec)
	err := c.VerifyKeyValue(t.Context(), "k1", "key_999notThisOne")
	if !IsKeyValueRejected(err) || !strings.Contains(err.Error(), "masked_key_value") {
		t.Fatalf("err = %v, want a mismatch with masked_key_value", err)
	}
	if n := len(rec.requests()); n != 1 {
		t.Errorf("%d requests, want only the get", n)
	}
}

// A 403 to the check means the key is valid (it lacks the scope); other
// failures are errors of the check, not a rejection.
func TestVerifyKeyValue_answers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		answer   func(http.ResponseWriter, *http.Request)
		ok       bool
		rejected bool
	}{
		{"200", jsonStatus(http.StatusOK, keyJSON("k1")), true, false},
		{"403", jsonStatus(http.StatusForbidden, map[string]string{"message": "lacks a scope"}), true, false},
		{"401", jsonStatus(http.StatusUnauthorized, map[string]string{"message": "no"}), false, true},
		{"400", jsonStatus(http.StatusBadRequest, map[string]string{"message": "odd"}), false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestClient(t, replies(jsonStatus(http.StatusOK, keyJSON("k1")), tt.answer))
			err := c.VerifyKeyValue(t.Context(), "k1", "key_1234567890")
			if (err == nil) != tt.ok || IsKeyValueRejected(err) != tt.rejected {
				t.Errorf("err = %v, want ok=%v rejected=%v", err, tt.ok, tt.rejected)
			}
		})
	}
}
