package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTimeout bounds one whole delivery: connect, TLS, AUTH and DATA.
const smtpTimeout = 30 * time.Second

// TLSMode says how an SMTPSender protects the connection.
type TLSMode int

const (
	// TLSOpportunistic uses STARTTLS when the server offers it and plain
	// text otherwise. It is the default for smtp:// URLs. Credentials are
	// still never sent in plain text, except to localhost.
	TLSOpportunistic TLSMode = iota
	// TLSRequired insists on STARTTLS (smtp://...?tls=required).
	TLSRequired
	// TLSImplicit speaks TLS from the first byte (smtps://).
	TLSImplicit
	// TLSNone never uses TLS (smtp://...?tls=none). It is meant for a
	// relay on the same host or network, and sends credentials, if any,
	// in plain text.
	TLSNone
)

// String returns the value of the tls query parameter that selects t, or
// "implicit" for TLSImplicit.
func (t TLSMode) String() string {
	switch t {
	case TLSOpportunistic:
		return "opportunistic"
	case TLSRequired:
		return "required"
	case TLSImplicit:
		return "implicit"
	case TLSNone:
		return "none"
	}
	return "TLSMode(" + strconv.Itoa(int(t)) + ")"
}

// SMTPConfig is a parsed SMTP URL. Its password is kept unexported so that
// printing or logging a config cannot reveal it.
type SMTPConfig struct {
	Host     string
	Port     int
	TLS      TLSMode
	Username string // empty means no SMTP AUTH
	From     string // from the from query parameter; empty if absent

	password string
}

// String returns the config as a URL with the password redacted.
func (c SMTPConfig) String() string {
	u := url.URL{
		Scheme: "smtp",
		Host:   net.JoinHostPort(c.Host, strconv.Itoa(c.Port)),
	}
	q := url.Values{}
	switch c.TLS {
	case TLSImplicit:
		u.Scheme = "smtps"
	case TLSRequired, TLSNone:
		q.Set("tls", c.TLS.String())
	}
	if c.From != "" {
		q.Set("from", c.From)
	}
	u.RawQuery = q.Encode()
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "xxxxx")
	}
	return u.String()
}

// GoString is String, so that %#v cannot reveal the password either.
func (c SMTPConfig) GoString() string { return c.String() }

// ParseSMTPURL parses and checks an SMTP URL of the form
//
//	smtp://[user:password@]host[:port][?tls=opportunistic|required|none][&from=address]
//	smtps://[user:password@]host[:port][?from=address]
//
// smtp:// uses STARTTLS when the server offers it (tls=required insists on
// it, tls=none never tries) and defaults to port 587; smtps:// uses
// implicit TLS and defaults to port 465. User name and password must be
// percent-encoded. SMTP AUTH (PLAIN or LOGIN, whichever the server offers)
// is used only when the URL has user info.
//
// The error says what is wrong but does not quote the URL or its parts
// when the URL may hold a password: a password with an unescaped '/', '?'
// or '#' spills into the port, path or query, and config errors end up in
// logs.
func ParseSMTPURL(rawURL string) (SMTPConfig, error) {
	var c SMTPConfig
	if strings.TrimSpace(rawURL) == "" {
		return c, urlError("it is empty")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if !strings.Contains(rawURL, "@") && errors.As(err, &ue) {
			// No user info, so no password to leak.
			return c, urlError("%v", ue.Err)
		}
		return c, urlError("cannot parse it; percent-encode any '/', '?', '#', '@', ':' or '%%' in the user name and password")
	}
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.TLS = TLSImplicit
		c.Port = 465
	default:
		return c, urlError("the scheme must be smtp or smtps")
	}
	if u.Opaque != "" || u.Host == "" {
		return c, urlError("want %s://[user:password@]host[:port]", u.Scheme)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, urlError("the host is missing")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, urlError("the port must be a number from 1 to 65535")
		}
		c.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return c, urlError("it has a path; percent-encode any '/' in the user name and password")
	}
	if u.Fragment != "" || strings.Contains(rawURL, "#") {
		return c, urlError("it has a fragment; percent-encode any '#' in the user name and password")
	}
	if u.User != nil {
		c.Username = u.User.Username()
		pw, ok := u.User.Password()
		if c.Username == "" {
			return c, urlError("the user name is empty")
		}
		if !ok || pw == "" {
			return c, urlError("the password is missing; use user:password@host")
		}
		c.password = pw
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, urlError("the query is malformed")
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return c, urlError("query parameter %s is given more than once", k)
		}
		v := vs[0]
		switch k {
		case "tls":
			if c.TLS == TLSImplicit {
				return c, urlError("tls is only for smtp:// URLs; smtps:// always uses implicit TLS")
			}
			switch v {
			case "opportunistic":
				c.TLS = TLSOpportunistic
			case "required":
				c.TLS = TLSRequired
			case "none":
				c.TLS = TLSNone
			default:
				return c, urlError("tls must be opportunistic, required or none")
			}
		case "from":
			if checkHeader("from", v) != nil {
				return c, urlError("from contains a control character")
			}
			if _, err := parseAddress(v); err != nil {
				return c, urlError("from is not a valid e-mail address")
			}
			c.From = v
		default:
			// Not quoted: see the doc comment.
			return c, urlError("unknown query parameter; only tls and from are allowed")
		}
	}
	return c, nil
}

func urlError(format string, args ...any) error {
	return fmt.Errorf("mail: invalid SMTP URL: "+format, args...)
}

// SMTPSender delivers messages to an SMTP server, one connection per
// message. It is safe for concurrent use.
type SMTPSender struct {
	cfg          SMTPConfig
	from         string // From header
	envelopeFrom string // MAIL FROM
	domain       string // right-hand side of Message-IDs

	// tlsConfig replaces go-mail's default (system roots, ServerName =
	// host). Tests set it to trust their own certificate.
	tlsConfig *tls.Config
}

// NewSMTPSender returns a sender for the server at rawURL (see ParseSMTPURL)
// that sends as from, which may be a bare address or "Name <address>". A
// from query parameter in rawURL overrides from. NewSMTPSender does not
// connect; the first Send does.
func NewSMTPSender(rawURL string, from string) (*SMTPSender, error) {
	cfg, err := ParseSMTPURL(rawURL)
	if err != nil {
		return nil, err
	}
	if cfg.From != "" {
		from = cfg.From
	}
	if from == "" {
		return nil, errors.New("mail: no sender address; pass one or add ?from= to the SMTP URL")
	}
	if err := checkHeader("sender", from); err != nil {
		return nil, err
	}
	addr, err := parseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: invalid sender address %q: %w", from, err)
	}
	s := &SMTPSender{
		cfg:          cfg,
		from:         addr.String(),
		envelopeFrom: addr.Address,
		domain:       addr.Address[strings.LastIndexByte(addr.Address, '@')+1:],
	}
	// Fail now, not at the first message, if go-mail refuses the options.
	if _, err := s.client(smtpTimeout); err != nil {
		return nil, s.redact(err)
	}
	return s, nil
}

// Config returns the parsed SMTP URL the sender uses.
func (s *SMTPSender) Config() SMTPConfig { return s.cfg }

// Send delivers m over a new connection. The whole exchange is bounded by
// 30 seconds or ctx's deadline, whichever comes first; cancelling ctx
// without a deadline stops the connect, not an exchange already under way.
// Errors never contain the password.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	timeout := smtpTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
		if timeout <= 0 {
			return context.DeadlineExceeded
		}
	}
	msg, err := s.msg(m)
	if err != nil {
		return err
	}
	// A client per message: go-mail's Client keeps per-connection state
	// (the chosen AUTH mechanism), so sharing one between goroutines races.
	c, err := s.client(timeout)
	if err != nil {
		return s.redact(err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return s.redact(fmt.Errorf("mail: sending via %s: %w",
			net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)), err))
	}
	return nil
}

func (s *SMTPSender) msg(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.from); err != nil {
		return nil, fmt.Errorf("mail: sender address: %w", err)
	}
	if err := msg.EnvelopeFrom(s.envelopeFrom); err != nil {
		return nil, fmt.Errorf("mail: sender address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: invalid recipient address: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	// go-mail's default Message-ID names this host; the sender's domain
	// says nothing about where Haven runs.
	msg.SetMessageIDWithValue(rand.Text() + "@" + s.domain)
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

func (s *SMTPSender) client(timeout time.Duration) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(timeout),
	}
	switch s.cfg.TLS {
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.tlsConfig))
	}
	if s.cfg.Username != "" {
		// go-mail refuses PLAIN and LOGIN without TLS (except to
		// localhost) unless asked for the NOENC variants, which only an
		// explicit tls=none does. A server offering neither gets go-mail's
		// auto-discovery (SCRAM, CRAM-MD5, ...).
		mechs := []gomail.SMTPAuthType{gomail.SMTPAuthPlain, gomail.SMTPAuthLogin}
		if s.cfg.TLS == TLSNone {
			mechs = []gomail.SMTPAuthType{gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc}
		}
		opts = append(opts,
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.password),
			gomail.WithOpportunisticSMTPAuth(mechs...),
		)
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// redact returns err with every occurrence of the password masked. go-mail
// should never put it in an error, but a server echoing a bad AUTH line or
// a future go-mail change would, and these errors are logged.
func (s *SMTPSender) redact(err error) error {
	if err == nil || s.cfg.password == "" || !strings.Contains(err.Error(), s.cfg.password) {
		return err
	}
	return &redactedError{
		msg: strings.ReplaceAll(err.Error(), s.cfg.password, "xxxxx"),
		err: err,
	}
}

// redactedError keeps the wrapped error for errors.Is and errors.As (to
// tell a temporary SMTP failure from a permanent one) but prints a
// message without the password.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
