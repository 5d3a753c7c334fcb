package main

import "testing"

func TestQuietUnlessLogging(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{
			name: "no logging: every logger off",
			env:  map[string]string{},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_HELLGATE": "OFF", "TF_LOG_PROVIDER_HELLGATE_API": "OFF"},
		},
		{
			name: "explicit levels are kept",
			env:  map[string]string{"TF_LOG_PROVIDER_HELLGATE_API": "DEBUG"},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_HELLGATE_API": "DEBUG"},
		},
		{
			name: "TF_LOG set: nothing changes",
			env:  map[string]string{"TF_LOG": "trace"},
			want: map[string]string{"TF_LOG": "trace"},
		},
		{
			name: "TF_LOG_PROVIDER set: nothing changes",
			env:  map[string]string{"TF_LOG_PROVIDER": "debug"},
			want: map[string]string{"TF_LOG_PROVIDER": "debug"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			set := func(k, v string) error { env[k] = v; return nil }
			quietUnlessLogging(lookup, set)
			for k, v := range tc.want {
				if env[k] != v {
					t.Errorf("%s = %q, want %q", k, env[k], v)
				}
			}
			if len(tc.env) > 0 && (tc.env["TF_LOG"] != "" || tc.env["TF_LOG_PROVIDER"] != "") && len(env) != len(tc.env) {
				t.Errorf("with logging on, the environment must not change: %v", env)
			}
		})
	}
}
