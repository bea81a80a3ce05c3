package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// mapenv is a fake environment.
func mapenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// newFlags registers every flag serve has, reading the environment env.
func newFlags(t *testing.T, c *Config, env map[string]string) (*flag.FlagSet, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	err := c.StorageFlags(fs, mapenv(env))
	if serr := c.ServerFlags(fs, mapenv(env), "127.0.0.1:8080"); err == nil {
		err = serr
	}
	return fs, err
}

func TestEveryFlagNamesItsVariable(t *testing.T) {
	var c Config
	fs, err := newFlags(t, &c, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		if want := "($" + EnvName(f.Name) + ")"; !strings.Contains(f.Usage, want) {
			t.Errorf("--%s: usage %q does not name %s", f.Name, f.Usage, want)
		}
	})
	if n < 15 {
		t.Errorf("visited %d flags, want at least 15", n)
	}
}

func TestEveryFlagReadsItsVariable(t *testing.T) {
	// A value each flag accepts, distinct from its default.
	values := map[string]string{
		"data":            "/srv/haven",
		"database-url":    "postgres://db/haven",
		"secret-key-file": "/etc/haven/secret.key",
		"log-level":       "debug",
		"log-format":      "json",
		"addr":            ":9999",
		"base-url":        "https://haven.example.org",
		"smtp-url":        "smtp://mail:587",
		"mail-from":       "Sec <sec@example.org>",
		"migrate":         "true",
		"dev":             "true",
		"team-two-factor": "true",
		"trusted-proxies": "10.0.0.0/8",
		"session-idle":    "1h0m0s",
		"session-max":     "48h0m0s",
		"shutdown-grace":  "3s",
	}
	env := map[string]string{}
	for name, v := range values {
		env[EnvName(name)] = v
	}
	var c Config
	fs, err := newFlags(t, &c, env)
	if err != nil {
		t.Fatal(err)
	}
	fs.VisitAll(func(f *flag.Flag) {
		want, ok := values[f.Name]
		if !ok {
			t.Errorf("--%s: no test value; add one", f.Name)
			return
		}
		if got := f.Value.String(); got != want {
			t.Errorf("--%s with $%s=%q: got %q", f.Name, EnvName(f.Name), want, got)
		}
	})
}

func TestFlagOverridesVariable(t *testing.T) {
	var c Config
	fs, err := newFlags(t, &c, map[string]string{"HAVEN_DATA": "/from/env", "HAVEN_SESSION_IDLE": "1h"})
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--data", "/from/flag"}); err != nil {
		t.Fatal(err)
	}
	if c.Data != "/from/flag" {
		t.Errorf("Data = %q, want the flag's /from/flag", c.Data)
	}
	if c.SessionIdle != time.Hour {
		t.Errorf("SessionIdle = %v, want the variable's 1h", c.SessionIdle)
	}
}

func TestDefaults(t *testing.T) {
	var c Config
	fs, err := newFlags(t, &c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Data: "./haven-data", LogLevel: "info", LogFormat: "text",
		Addr: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080", MailFrom: "Haven <haven@localhost>",
		SessionIdle: 12 * time.Hour, SessionMax: 14 * 24 * time.Hour, ShutdownGrace: 15 * time.Second,
	}
	c.proxies = nil // the raw --trusted-proxies, "" here
	if diff := cmp.Diff(want, c, cmp.AllowUnexported(Config{})); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestBadVariable(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{"HAVEN_SESSION_IDLE", "forever"},
		{"HAVEN_SESSION_MAX", "12"},
		{"HAVEN_SHUTDOWN_GRACE", "soon"},
		{"HAVEN_MIGRATE", "maybe"},
		{"HAVEN_DEV", "yes please"},
	} {
		var c Config
		_, err := newFlags(t, &c, map[string]string{tc.name: tc.value})
		if err == nil || !strings.Contains(err.Error(), "$"+tc.name) || !strings.Contains(err.Error(), tc.value) {
			t.Errorf("%s=%q: got error %v, want one naming the variable and value", tc.name, tc.value, err)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string // "" for none
		check   func(c Config) string
	}{
		{name: "postgres url", args: []string{"--database-url", "postgresql://u@db/haven"}},
		{name: "mysql url", args: []string{"--database-url", "mysql://u@db/haven"}, wantErr: "--database-url"},
		{name: "sqlite path as url", args: []string{"--database-url", "/var/haven.db"}, wantErr: "--database-url"},
		{name: "empty data", args: []string{"--data", ""}, wantErr: "--data"},
		{name: "log level", args: []string{"--log-level", "verbose"}, wantErr: "--log-level"},
		{name: "log format", args: []string{"--log-format", "xml"}, wantErr: "--log-format"},
		{name: "base url scheme", args: []string{"--base-url", "ftp://haven"}, wantErr: "--base-url"},
		{name: "base url without host", args: []string{"--base-url", "https://"}, wantErr: "--base-url"},
		{name: "idle over max", args: []string{"--session-idle", "48h", "--session-max", "24h"}, wantErr: "--session-idle"},
		{name: "negative idle", args: []string{"--session-idle", "-1h"}, wantErr: "--session-idle"},
		{name: "bad proxy", args: []string{"--trusted-proxies", "10.0.0.0/8, proxy.local"}, wantErr: `"proxy.local"`},
		{
			name: "secret key file beside the data", args: []string{"--data", "/srv/haven"},
			check: func(c Config) string { return want(c.KeyFile(), "/srv/haven/secret.key") },
		},
		{
			name: "secret key file elsewhere", args: []string{"--data", "/srv/haven", "--secret-key-file", "/etc/haven/key"},
			check: func(c Config) string { return want(c.KeyFile(), "/etc/haven/key") },
		},
		{
			name: "base url from port-only addr", args: []string{"--addr", ":8080"},
			check: func(c Config) string { return want(c.BaseURL, "http://localhost:8080") },
		},
		{
			name: "base url trailing slash", args: []string{"--base-url", "https://haven.example.org/"},
			check: func(c Config) string { return want(c.BaseURL, "https://haven.example.org") },
		},
		{
			name: "proxies", args: []string{"--trusted-proxies", " 10.0.0.0/8, 192.168.1.1 ,::1,"},
			check: func(c Config) string {
				got := ""
				for _, p := range c.TrustedProxies {
					got += p.String() + " "
				}
				return want(got, "10.0.0.0/8 192.168.1.1/32 ::1/128 ")
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c Config
			fs, err := newFlags(t, &c, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate: got %v, want an error containing %q", err, tc.wantErr)
			}
			if tc.check != nil {
				if msg := tc.check(c); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

func want(got, want string) string {
	if got != want {
		return "got " + got + ", want " + want
	}
	return ""
}

// Commands without server flags (migrate, user, token) validate too.
func TestValidateStorageOnly(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	if err := c.StorageFlags(fs, mapenv(nil)); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "" || c.TrustedProxies != nil {
		t.Errorf("storage-only config got server settings: %+v", c)
	}
}

func TestEnvName(t *testing.T) {
	for flagName, want := range map[string]string{
		"data": "HAVEN_DATA", "database-url": "HAVEN_DATABASE_URL", "session-idle": "HAVEN_SESSION_IDLE",
	} {
		if got := EnvName(flagName); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", flagName, got, want)
		}
	}
}
