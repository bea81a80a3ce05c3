// Package config holds Haven's settings. Every setting is a command-line
// flag whose default comes from a HAVEN_* environment variable (flag
// --database-url ↔ HAVEN_DATABASE_URL). There are no globals: cli builds a
// Config per command and passes it down.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting a command may use.
type Config struct {
	Data        string // directory of the SQLite database and files
	DatabaseURL string // postgres://... switches to PostgreSQL
	LogLevel    string
	LogFormat   string
	// SecretKeyFile holds the key that seals secrets in the database; ""
	// means secret.key in Data (see KeyFile).
	SecretKeyFile string

	Addr     string
	BaseURL  string
	SMTPURL  string
	MailFrom string
	Migrate  bool
	Dev      bool
	// TeamTwoFactor requires two-factor authentication of program members
	// and instance admins before they use Haven.
	TeamTwoFactor  bool
	TrustedProxies []netip.Prefix
	SessionIdle    time.Duration
	SessionMax     time.Duration
	ShutdownGrace  time.Duration

	proxies *string // raw --trusted-proxies, parsed by Validate
}

// EnvName returns the environment variable of a flag.
func EnvName(flagName string) string {
	return "HAVEN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

type binder struct {
	fs     *flag.FlagSet
	getenv func(string) string
	errs   []error
}

func (b binder) env(name, def string) string {
	if v := b.getenv(EnvName(name)); v != "" {
		return v
	}
	return def
}

func (b *binder) str(p *string, name, def, usage string) {
	b.fs.StringVar(p, name, b.env(name, def), usage+" ($"+EnvName(name)+")")
}

func (b *binder) boolean(p *bool, name string, def bool, usage string) {
	v := def
	if s := b.getenv(EnvName(name)); s != "" {
		parsed, err := strconv.ParseBool(s)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("$%s: %q is not true or false", EnvName(name), s))
		}
		v = parsed
	}
	b.fs.BoolVar(p, name, v, usage+" ($"+EnvName(name)+")")
}

func (b *binder) duration(p *time.Duration, name string, def time.Duration, usage string) {
	v := def
	if s := b.getenv(EnvName(name)); s != "" {
		parsed, err := time.ParseDuration(s)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("$%s: %q is not a duration such as 12h", EnvName(name), s))
		}
		v = parsed
	}
	b.fs.DurationVar(p, name, v, usage+" ($"+EnvName(name)+")")
}

// StorageFlags registers the flags every command has: where the data is,
// and logging.
func (c *Config) StorageFlags(fs *flag.FlagSet, getenv func(string) string) error {
	b := &binder{fs: fs, getenv: getenv}
	b.str(&c.Data, "data", "./haven-data", "directory for the SQLite database and files")
	b.str(&c.DatabaseURL, "database-url", "", "PostgreSQL URL (postgres://...); when set, --data holds only files")
	b.str(&c.SecretKeyFile, "secret-key-file", "", "file of the key that encrypts secrets in the database; back it up with the database (default DATA/secret.key)")
	b.str(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	b.str(&c.LogFormat, "log-format", "text", "log format: text or json")
	return errors.Join(b.errs...)
}

// ServerFlags registers the flags of serve and demo.
func (c *Config) ServerFlags(fs *flag.FlagSet, getenv func(string) string, defaultAddr string) error {
	b := &binder{fs: fs, getenv: getenv}
	b.str(&c.Addr, "addr", defaultAddr, "address to listen on")
	b.str(&c.BaseURL, "base-url", "", "public URL for links in e-mails (default http://ADDR)")
	b.str(&c.SMTPURL, "smtp-url", "", "outbound mail server, smtp://user:pass@host:587 or smtps://...; empty writes mail to the log")
	b.str(&c.MailFrom, "mail-from", "Haven <haven@localhost>", "sender address of Haven's e-mail")
	b.boolean(&c.Migrate, "migrate", false, "apply pending database migrations at start")
	b.boolean(&c.Dev, "dev", false, "development mode")
	b.boolean(&c.TeamTwoFactor, "team-two-factor", false, "require two-factor authentication of program members and instance admins")
	var proxies string
	b.str(&proxies, "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted")
	b.duration(&c.SessionIdle, "session-idle", 12*time.Hour, "end sessions unused for this long")
	b.duration(&c.SessionMax, "session-max", 14*24*time.Hour, "end sessions this long after log-in")
	b.duration(&c.ShutdownGrace, "shutdown-grace", 15*time.Second, "time in-flight requests get to finish at shutdown")
	c.proxies = &proxies
	return errors.Join(b.errs...)
}

// KeyFile returns the path of the secret key file: --secret-key-file, or
// secret.key in --data.
func (c *Config) KeyFile() string {
	if c.SecretKeyFile != "" {
		return c.SecretKeyFile
	}
	return filepath.Join(c.Data, "secret.key")
}

// Validate checks the settings after flags were parsed and fills derived
// values. Its errors name the flag.
func (c *Config) Validate() error {
	var errs []error
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			errs = append(errs, errors.New("--database-url: use a postgres:// URL"))
		}
	}
	if c.Data == "" {
		errs = append(errs, errors.New("--data: must not be empty"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level: %q is not debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format: %q is not text or json", c.LogFormat))
	}
	if c.proxies != nil {
		c.TrustedProxies = nil
		for _, p := range strings.Split(*c.proxies, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			pfx, err := netip.ParsePrefix(p)
			if err != nil {
				addr, aerr := netip.ParseAddr(p)
				if aerr != nil {
					errs = append(errs, fmt.Errorf("--trusted-proxies: %q is not an address or CIDR", p))
					continue
				}
				pfx = netip.PrefixFrom(addr, addr.BitLen())
			}
			c.TrustedProxies = append(c.TrustedProxies, pfx)
		}
	}
	if c.Addr != "" && c.BaseURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		c.BaseURL = "http://" + host
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--base-url: %q is not an http:// or https:// URL", c.BaseURL))
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	if c.SessionIdle < 0 || c.SessionMax < 0 || (c.SessionMax > 0 && c.SessionIdle > c.SessionMax) {
		errs = append(errs, errors.New("--session-idle: must be positive and not longer than --session-max"))
	}
	return errors.Join(errs...)
}
