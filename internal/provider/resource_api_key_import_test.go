package provider

import (
	"strings"
	"testing"
)

// Where an imported key's secret is read from, and what is refused,
// without quoting either variable's value.
func TestSuppliedKeyValue(t *testing.T) {
	t.Parallel()
	const id = "7cd48abe-e372-4922-aaac-c90eb54a82e6"
	perKey := importKeyValueVar(id)
	if perKey != "HELLGATE_IMPORT_KEY_VALUE_7CD48ABE_E372_4922_AAAC_C90EB54A82E6" {
		t.Fatalf("importKeyValueVar = %s", perKey)
	}
	for _, tt := range []struct {
		name        string
		env         map[string]string
		value, from string
		err         string
	}{
		{"none", nil, "", "", ""},
		{"per key", map[string]string{perKey: " key_Own1234 "}, "key_Own1234", perKey, ""},
		{"map, id in capitals", map[string]string{EnvImportKeyValues: `{"` + strings.ToUpper(id) + `": "key_Map1234", "other": "key_Xyz9876"}`}, "key_Map1234", EnvImportKeyValues, ""},
		{"map without the key", map[string]string{EnvImportKeyValues: `{"other": "key_Xyz9876"}`}, "", "", ""},
		{"both, same", map[string]string{perKey: "key_Same1234", EnvImportKeyValues: `{"` + id + `": "key_Same1234"}`}, "key_Same1234", perKey, ""},
		{"both, different", map[string]string{perKey: "key_Own1234", EnvImportKeyValues: `{"` + id + `": "key_Map1234"}`}, "", "", "Both " + perKey + " and " + EnvImportKeyValues},
		{"map, twice", map[string]string{EnvImportKeyValues: `{"` + id + `": "key_Map1234", "` + strings.ToUpper(id) + `": "key_Map5678"}`}, "", "", "more than once"},
		{"map, not JSON", map[string]string{EnvImportKeyValues: `{"` + id + `": key_Bare1234}`}, "", "", "not valid JSON (at byte"},
		{"map, not strings", map[string]string{EnvImportKeyValues: `{"` + id + `": ["key_List1234"]}`}, "", "", "values are all strings"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			value, from, diags := suppliedKeyValue(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }, id)
			if value != tt.value || from != tt.from {
				t.Errorf("got value set=%v from %q, want %q from %q", value != "", from, tt.value, tt.from)
			}
			if (tt.err == "") != !diags.HasError() {
				t.Fatalf("diagnostics %v, want an error holding %q", diags, tt.err)
			}
			for _, d := range diags {
				text := d.Summary() + " " + d.Detail()
				if tt.err != "" && !strings.Contains(text, tt.err) {
					t.Errorf("error %q does not say %q", text, tt.err)
				}
				for _, secret := range []string{"Own1234", "Map1234", "Map5678", "Bare1234", "List1234"} {
					if strings.Contains(text, secret) {
						t.Errorf("error %q quotes a secret", text)
					}
				}
			}
		})
	}
}
