package app

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"strings"
	"text/template"

	"github.com/haven-project/haven/internal/mail"
	"github.com/haven-project/haven/internal/store"
)

//go:embed mails/*.txt
var mailFiles embed.FS

var mailTemplates = template.Must(template.ParseFS(mailFiles, "mails/*.txt"))

// composeMail renders mails/<name>.txt: a "Subject:" line, a blank line,
// then the body. Subjects are fixed texts, never user input.
func composeMail(to, name string, data any) (mail.Message, error) {
	var buf bytes.Buffer
	if err := mailTemplates.ExecuteTemplate(&buf, name+".txt", data); err != nil {
		return mail.Message{}, fmt.Errorf("compose %s: %w", name, err)
	}
	head, body, ok := strings.Cut(buf.String(), "\n\n")
	subject, found := strings.CutPrefix(head, "Subject: ")
	if !ok || !found {
		return mail.Message{}, fmt.Errorf("compose %s: no subject line", name)
	}
	return mail.Message{To: to, Subject: subject, Text: body}, nil
}

// sendMail composes and queues a message in the transaction.
func (a *App) sendMail(ctx context.Context, tx *store.DB, to, name string, data any) error {
	m, err := composeMail(to, name, data)
	if err != nil {
		return err
	}
	return a.enqueueMail(ctx, tx, m)
}
