package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
)

// testPassword has every character that needs percent-encoding in a URL,
// so the tests also check that user info is decoded.
const (
	testUser     = "haven@example.org"
	testPassword = "s3cr:t/p@ss?#%word"
)

// testURL returns an SMTP URL for the server at addr with the test
// credentials, properly encoded.
func testURL(scheme, addr, query string) string {
	u := url.URL{Scheme: scheme, Host: addr, User: url.UserPassword(testUser, testPassword), RawQuery: query}
	return u.String()
}

// received is what the test server saw of one message.
type received struct {
	From     string
	To       []string
	AuthMech string
	AuthUser string
	AuthPass string
	TLS      bool
	Data     []byte
}

// testServer is a real SMTP server (github.com/emersion/go-smtp) on a
// loopback port. It records what clients send and, when mechs is not
// empty, offers those AUTH mechanisms and requires AUTH before MAIL.
type testServer struct {
	Addr string

	mechs []string

	mu   sync.Mutex
	msgs []received
}

type serverOptions struct {
	mechs       []string
	tls         *tls.Config // offer STARTTLS, and require it for AUTH
	implicitTLS bool        // with tls: speak TLS from the first byte
	listen      string      // default 127.0.0.1:0
}

func newTestServer(t *testing.T, o serverOptions) *testServer {
	t.Helper()
	if o.listen == "" {
		o.listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Addr: ln.Addr().String(), mechs: o.mechs}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &testSession{ts: ts, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = testLogger{t}
	if o.tls == nil {
		srv.AllowInsecureAuth = true
	}
	if o.implicitTLS {
		ln = tls.NewListener(ln, o.tls)
	} else {
		srv.TLSConfig = o.tls
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ts
}

func (ts *testServer) received() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.msgs...)
}

type testLogger struct{ t *testing.T }

func (l testLogger) Printf(format string, v ...any) { l.t.Logf("smtp server: "+format, v...) }
func (l testLogger) Println(v ...any)               { l.t.Log(append([]any{"smtp server:"}, v...)...) }

type testSession struct {
	ts   *testServer
	conn *smtp.Conn
	cur  received
}

func (s *testSession) AuthMechanisms() []string { return s.ts.mechs }

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		s.cur.AuthMech, s.cur.AuthUser, s.cur.AuthPass = mech, user, pass
		if user != testUser || pass != testPassword {
			return errors.New("invalid credentials")
		}
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if len(s.ts.mechs) > 0 && s.cur.AuthUser == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.From = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := s.cur
	m.Data = data
	_, m.TLS = s.conn.TLSConnectionState()
	s.ts.mu.Lock()
	s.ts.msgs = append(s.ts.msgs, m)
	s.ts.mu.Unlock()
	return nil
}

func (s *testSession) Reset() {
	s.cur = received{AuthMech: s.cur.AuthMech, AuthUser: s.cur.AuthUser, AuthPass: s.cur.AuthPass}
}

func (s *testSession) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism, which go-sasl
// only implements for clients.
type loginServer struct {
	step  int
	user  string
	check func(user, pass string) error
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// testTLS returns a server config with a fresh self-signed certificate for
// 127.0.0.1 and a client config that trusts only it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "haven test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	return server, client
}

// parsed is a received message as a mail client would show it.
type parsed struct {
	From, To, Subject, Body string
}

func parseReceived(t *testing.T, data []byte) (parsed, netmail.Header) {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, data)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("Subject %q does not decode: %v", msg.Header.Get("Subject"), err)
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return parsed{
		From:    msg.Header.Get("From"),
		To:      msg.Header.Get("To"),
		Subject: subject,
		Body:    strings.ReplaceAll(string(b), "\r\n", "\n"),
	}, msg.Header
}

func TestSMTPSenderPlainAuth(t *testing.T) {
	ts := newTestServer(t, serverOptions{mechs: []string{sasl.Plain}})
	s, err := NewSMTPSender(testURL("smtp", ts.Addr, "tls=none"), "Haven <noreply@haven.example>")
	if err != nil {
		t.Fatalf("NewSMTPSender: %v", err)
	}
	m := Message{
		To:      "alice@example.org",
		Subject: "Réinitialisation du mot de passe",
		Text: "Bonjour,\n\nOuvrez https://haven.example/reset/abc123?x=1&y=2 pour choisir un nouveau mot de passe.\n" +
			strings.Repeat("Une ligne très longue. ", 20) + "\n",
	}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := ts.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	r := got[0]
	envelope := received{From: "noreply@haven.example", To: []string{"alice@example.org"},
		AuthMech: "PLAIN", AuthUser: testUser, AuthPass: testPassword}
	if diff := cmp.Diff(envelope, r, cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".Data" || f == ".TLS"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("envelope and AUTH mismatch (-want +got):\n%s", diff)
	}

	p, h := parseReceived(t, r.Data)
	want := parsed{From: `"Haven" <noreply@haven.example>`, To: "<alice@example.org>", Subject: m.Subject, Body: m.Text}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("message mismatch (-want +got):\n%s", diff)
	}
	raw := h.Get("Subject")
	if !strings.HasPrefix(strings.ToUpper(raw), "=?UTF-8?") {
		t.Errorf("raw Subject = %q, want an RFC 2047 encoded word", raw)
	}
	if ct := h.Get("Content-Type"); !strings.Contains(ct, "text/plain") || !strings.Contains(strings.ToLower(ct), "charset=utf-8") {
		t.Errorf("Content-Type = %q, want text/plain; charset=UTF-8", ct)
	}
	if id := h.Get("Message-Id"); !strings.HasSuffix(id, "@haven.example>") {
		t.Errorf("Message-ID = %q, want one ending in @haven.example>", id)
	}
	if h.Get("Date") == "" {
		t.Error("no Date header")
	}
	for _, k := range []string{"User-Agent", "X-Mailer"} {
		if v := h.Get(k); v != "" {
			t.Errorf("%s = %q, want none", k, v)
		}
	}
	if bytes.Contains(r.Data, []byte(testPassword)) {
		t.Error("message data contains the SMTP password")
	}
}

func TestSMTPSenderLoginAuth(t *testing.T) {
	ts := newTestServer(t, serverOptions{mechs: []string{sasl.Login}})
	s, err := NewSMTPSender(testURL("smtp", ts.Addr, "tls=none"), "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), Message{To: "bob@example.org", Subject: "Hi", Text: "Hello"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := ts.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if got[0].AuthMech != "LOGIN" || got[0].AuthUser != testUser || got[0].AuthPass != testPassword {
		t.Errorf("AUTH = %s %q %q, want LOGIN %q %q", got[0].AuthMech, got[0].AuthUser, got[0].AuthPass, testUser, testPassword)
	}
}

func TestSMTPSenderNoAuth(t *testing.T) {
	ts := newTestServer(t, serverOptions{})
	// Plain smtp:// is opportunistic: the server offers no STARTTLS, so
	// the message goes out in plain text.
	s, err := NewSMTPSender("smtp://"+ts.Addr+"?from=relay%40haven.example", "ignored@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), Message{To: "Carol <carol@example.org>", Subject: "Hi", Text: "Hello"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := ts.received()
	if len(got) != 1 {
		t.Fatalf("server received %d messages, want 1", len(got))
	}
	if got[0].AuthMech != "" || got[0].TLS {
		t.Errorf("AUTH %q, TLS %v; want no AUTH, no TLS", got[0].AuthMech, got[0].TLS)
	}
	if diff := cmp.Diff([]string{"carol@example.org"}, got[0].To); diff != "" {
		t.Errorf("RCPT TO mismatch (-want +got):\n%s", diff)
	}
	if got[0].From != "relay@haven.example" {
		t.Errorf("MAIL FROM = %q, want the from query parameter, relay@haven.example", got[0].From)
	}
}

func TestSMTPSenderTLS(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	tests := []struct {
		name     string
		scheme   string
		query    string
		implicit bool
	}{
		{"STARTTLS opportunistic", "smtp", "", false},
		{"STARTTLS required", "smtp", "tls=required", false},
		{"implicit TLS", "smtps", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, serverOptions{mechs: []string{sasl.Plain}, tls: serverTLS, implicitTLS: tt.implicit})
			s, err := NewSMTPSender(testURL(tt.scheme, ts.Addr, tt.query), "noreply@haven.example")
			if err != nil {
				t.Fatal(err)
			}
			s.tlsConfig = clientTLS
			if err := s.Send(t.Context(), Message{To: "alice@example.org", Subject: "Hi", Text: "Hello"}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := ts.received()
			if len(got) != 1 {
				t.Fatalf("server received %d messages, want 1", len(got))
			}
			if !got[0].TLS || got[0].AuthUser != testUser || got[0].AuthPass != testPassword {
				t.Errorf("TLS %v, AUTH %q %q; want TLS and the test credentials", got[0].TLS, got[0].AuthUser, got[0].AuthPass)
			}
		})
	}
}

func TestSMTPSenderUntrustedCertificate(t *testing.T) {
	serverTLS, _ := testTLS(t)
	ts := newTestServer(t, serverOptions{mechs: []string{sasl.Plain}, tls: serverTLS, implicitTLS: true})
	s, err := NewSMTPSender(testURL("smtps", ts.Addr, ""), "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), Message{To: "alice@example.org", Subject: "Hi"})
	if err == nil {
		t.Fatal("Send trusted a self-signed certificate")
	}
	checkNoPassword(t, err)
	if n := len(ts.received()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

func TestSMTPSenderRequiredTLSNotOffered(t *testing.T) {
	ts := newTestServer(t, serverOptions{})
	s, err := NewSMTPSender("smtp://"+ts.Addr+"?tls=required", "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), Message{To: "alice@example.org", Subject: "Hi"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("Send = %v, want an error about STARTTLS", err)
	}
	if n := len(ts.received()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

// TestSMTPSenderNoPlaintextCredentials checks that smtp:// without
// tls=none never sends the password in clear when STARTTLS is stripped.
// go-mail exempts localhost and 127.0.0.1, so the server listens on
// another loopback address.
func TestSMTPSenderNoPlaintextCredentials(t *testing.T) {
	if _, err := net.Listen("tcp", "127.0.0.2:0"); err != nil {
		t.Skipf("no 127.0.0.2 on this host: %v", err)
	}
	ts := newTestServer(t, serverOptions{mechs: []string{sasl.Plain, sasl.Login}, listen: "127.0.0.2:0"})
	s, err := NewSMTPSender(testURL("smtp", ts.Addr, ""), "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), Message{To: "alice@example.org", Subject: "Hi"})
	if err == nil {
		t.Fatal("Send succeeded, want a refusal to authenticate without TLS")
	}
	t.Logf("error: %v", err)
	checkNoPassword(t, err)
	if n := len(ts.received()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

func checkNoPassword(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		if strings.Contains(s, testPassword) || strings.Contains(s, url.QueryEscape(testPassword)) ||
			strings.Contains(s, url.PathEscape(testPassword)) {
			t.Errorf("error reveals the password: %s", s)
		}
	}
}

func TestSMTPSenderErrorsHidePassword(t *testing.T) {
	// A port that was just free: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	rejecting := newTestServer(t, serverOptions{mechs: []string{sasl.Plain}})
	noAuth := newTestServer(t, serverOptions{})

	tests := []struct {
		name string
		url  string
	}{
		{"connection refused", testURL("smtp", closed, "tls=none")},
		{"connection refused smtps", testURL("smtps", closed, "")},
		{"wrong password", "smtp://" + url.UserPassword(testUser, testPassword+"x").String() + "@" + rejecting.Addr + "?tls=none"},
		{"server without AUTH", testURL("smtp", noAuth.Addr, "tls=none")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSMTPSender(tt.url, "noreply@haven.example")
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(t.Context(), Message{To: "alice@example.org", Subject: "Hi"})
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			t.Logf("error: %v", err)
			checkNoPassword(t, err)
		})
	}
}

func TestRedact(t *testing.T) {
	s, err := NewSMTPSender(testURL("smtp", "mail.example.org", ""), "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	inner := fmt.Errorf("535 bad credentials %q", testPassword)
	err = s.redact(inner)
	checkNoPassword(t, err)
	if !errors.Is(err, inner) {
		t.Errorf("redacted error does not wrap the original")
	}
	if plain := errors.New("no secret here"); s.redact(plain) != plain {
		t.Errorf("redact changed an error without the password")
	}
}

func TestSMTPSenderRefusesInvalidMessage(t *testing.T) {
	ts := newTestServer(t, serverOptions{})
	s, err := NewSMTPSender("smtp://"+ts.Addr+"?tls=none", "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []Message{
		{To: "alice@example.org", Subject: "a\r\nBcc: x@y"},
		{To: "a\r\nBcc: x@y", Subject: "Hi"},
	} {
		if err := s.Send(t.Context(), m); err == nil {
			t.Errorf("Send(%+q) = nil, want a validation error", m)
		}
	}
	if n := len(ts.received()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

func TestSMTPSenderContext(t *testing.T) {
	s, err := NewSMTPSender("smtp://127.0.0.1:1?tls=none", "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	m := Message{To: "alice@example.org", Subject: "Hi"}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Send(ctx, m); !errors.Is(err, context.Canceled) {
		t.Errorf("Send(cancelled ctx) = %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel()
	if err := s.Send(ctx, m); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send(expired ctx) = %v, want context.DeadlineExceeded", err)
	}
}

func TestSMTPSenderConcurrent(t *testing.T) {
	ts := newTestServer(t, serverOptions{mechs: []string{sasl.Plain, sasl.Login}})
	s, err := NewSMTPSender(testURL("smtp", ts.Addr, "tls=none"), "noreply@haven.example")
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := s.Send(t.Context(), Message{To: fmt.Sprintf("user%d@example.org", i), Subject: "Hi"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(ts.received()); got != n {
		t.Errorf("server received %d messages, want %d", got, n)
	}
}

func TestNewSMTPSenderFrom(t *testing.T) {
	tests := []struct {
		name      string
		url, from string
		wantFrom  string // From header; "" means an error
		wantEnv   string
	}{
		{"argument", "smtp://mail.example.org", "Haven <noreply@haven.example>", `"Haven" <noreply@haven.example>`, "noreply@haven.example"},
		{"query overrides", "smtp://mail.example.org?from=other%40haven.example", "noreply@haven.example", "<other@haven.example>", "other@haven.example"},
		{"query only", "smtp://mail.example.org?from=other%40haven.example", "", "<other@haven.example>", "other@haven.example"},
		{"none", "smtp://mail.example.org", "", "", ""},
		{"invalid", "smtp://mail.example.org", "noreply", "", ""},
		{"injection", "smtp://mail.example.org", "noreply@haven.example\r\nBcc: x@y", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSMTPSender(tt.url, tt.from)
			if tt.wantFrom == "" {
				if err == nil {
					t.Errorf("NewSMTPSender(%q, %q) = nil error, want one", tt.url, tt.from)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewSMTPSender(%q, %q): %v", tt.url, tt.from, err)
			}
			if s.from != tt.wantFrom || s.envelopeFrom != tt.wantEnv {
				t.Errorf("from %q, envelope %q; want %q, %q", s.from, s.envelopeFrom, tt.wantFrom, tt.wantEnv)
			}
		})
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		url  string
		want SMTPConfig
	}{
		{"smtp://mail.example.org", SMTPConfig{Host: "mail.example.org", Port: 587, TLS: TLSOpportunistic}},
		{"smtp://mail.example.org:25/", SMTPConfig{Host: "mail.example.org", Port: 25, TLS: TLSOpportunistic}},
		{"smtps://mail.example.org", SMTPConfig{Host: "mail.example.org", Port: 465, TLS: TLSImplicit}},
		{"smtp://localhost:2525?tls=none", SMTPConfig{Host: "localhost", Port: 2525, TLS: TLSNone}},
		{"smtp://mail.example.org?tls=required", SMTPConfig{Host: "mail.example.org", Port: 587, TLS: TLSRequired}},
		{"smtp://mail.example.org?tls=opportunistic", SMTPConfig{Host: "mail.example.org", Port: 587, TLS: TLSOpportunistic}},
		{"smtp://[::1]:25?tls=none", SMTPConfig{Host: "::1", Port: 25, TLS: TLSNone}},
		{"SMTP://u:p@mail.example.org", SMTPConfig{Host: "mail.example.org", Port: 587, Username: "u", password: "p"}},
		{
			"smtps://apikey:s3cr%3At%2Fp%40ss%3F%23%25word@smtp.example.org:2465?from=Haven+%3Cnoreply%40haven.example%3E",
			SMTPConfig{Host: "smtp.example.org", Port: 2465, TLS: TLSImplicit, Username: "apikey", password: testPassword, From: "Haven <noreply@haven.example>"},
		},
	}
	for _, tt := range tests {
		got, err := ParseSMTPURL(tt.url)
		if err != nil {
			t.Errorf("ParseSMTPURL(%q): %v", tt.url, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(SMTPConfig{})); diff != "" {
			t.Errorf("ParseSMTPURL(%q) mismatch (-want +got):\n%s", tt.url, diff)
		}
	}
}

func TestParseSMTPURLErrors(t *testing.T) {
	// The password in these URLs is "hunter2/x" or contains "hunter2";
	// no error may mention it, whatever part of the URL it ended up in.
	const secret = "hunter2"
	tests := []struct {
		url     string
		wantErr string
	}{
		{"", "it is empty"},
		{"mail.example.org:25", "scheme must be smtp or smtps"},
		{"http://mail.example.org", "scheme must be smtp or smtps"},
		{"smtp:mail.example.org", "want smtp://"},
		{"smtp://", "want smtp://"},
		{"smtp://:25", "host is missing"},
		{"smtp://mail.example.org:0", "port must be a number from 1 to 65535"},
		{"smtp://mail.example.org:70000", "port must be a number from 1 to 65535"},
		{"smtp://mail.example.org:x", `invalid port ":x" after host`},
		{"smtp://mail.example.org/path", "it has a path"},
		{"smtp://mail.example.org#frag", "it has a fragment"},
		{"smtp://mail.example.org?tls=yes", "tls must be opportunistic, required or none"},
		{"smtps://mail.example.org?tls=none", "tls is only for smtp://"},
		{"smtp://mail.example.org?tls=none&tls=none", "given more than once"},
		{"smtp://mail.example.org?from=nobody", "from is not a valid e-mail address"},
		{"smtp://mail.example.org?from=a%40b.c%0D%0ABcc:+x%40y", "from contains a control character"},
		{"smtp://mail.example.org?tsl=none", "unknown query parameter"},
		{"smtp://mail.example.org?a=%zz", "query is malformed"},
		{"smtp://user@mail.example.org", "password is missing"},
		{"smtp://:" + secret + "@mail.example.org", "user name is empty"},
		// Unescaped special characters in the password.
		{"smtp://user:" + secret + "/x@mail.example.org", "cannot parse it; percent-encode"},
		{"smtp://user:12/" + secret + "@mail.example.org", "it has a path"},
		{"smtp://user:" + secret + "?x@mail.example.org", "cannot parse it; percent-encode"},
		{"smtp://user:12?" + secret + "=1@mail.example.org", "unknown query parameter"},
		{"smtp://user:12#" + secret + "@mail.example.org", "it has a fragment"},
		{"smtp://user:" + secret + "#x@mail.example.org", "cannot parse it; percent-encode"},
		{"smtp://user:" + secret + "%zz@mail.example.org", "cannot parse it; percent-encode"},
		{"smtp://user:" + secret + " x@mail.example.org", "cannot parse it; percent-encode"},
	}
	for _, tt := range tests {
		_, err := ParseSMTPURL(tt.url)
		if err == nil {
			t.Errorf("ParseSMTPURL(%q) = nil error, want %q", tt.url, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseSMTPURL(%q) = %q, want error containing %q", tt.url, err, tt.wantErr)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("ParseSMTPURL(%q) = %q, which reveals the password", tt.url, err)
		}
		if _, err := NewSMTPSender(tt.url, "noreply@haven.example"); err == nil {
			t.Errorf("NewSMTPSender(%q) accepted a URL ParseSMTPURL refuses", tt.url)
		}
	}
}

func TestSMTPConfigString(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"smtp://mail.example.org", "smtp://mail.example.org:587"},
		{"smtps://u:" + url.PathEscape(testPassword) + "@mail.example.org", "smtps://u:xxxxx@mail.example.org:465"},
		{"smtp://u:p@[::1]:25?tls=none&from=a%40b.example", "smtp://u:xxxxx@[::1]:25?from=a%40b.example&tls=none"},
	}
	for _, tt := range tests {
		c, err := ParseSMTPURL(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
			if got != tt.want {
				t.Errorf("formatting ParseSMTPURL(%q) = %q, want %q", tt.url, got, tt.want)
			}
		}
		// The redacted form parses back to the same config, bar the password.
		back, err := ParseSMTPURL(c.String())
		if err != nil {
			t.Errorf("ParseSMTPURL(%q): %v", c.String(), err)
			continue
		}
		back.password, c.password = "", ""
		if diff := cmp.Diff(c, back, cmp.AllowUnexported(SMTPConfig{})); diff != "" {
			t.Errorf("round trip of %q mismatch (-want +got):\n%s", tt.url, diff)
		}
	}
}
