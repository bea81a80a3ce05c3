package app_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/haven-project/haven/internal/app"
	"github.com/haven-project/haven/internal/apptest"
	"github.com/haven-project/haven/internal/haven"
	"github.com/haven-project/haven/internal/password"
)

func TestScratchParallelGuesses(t *testing.T) {
	apptest.Run(t, func(t *testing.T, e *apptest.Env) {
		u := e.CreateUser(t, "par@example.test", pw, false)
		slow := app.New(e.DB, app.Config{Now: e.Clock.Now, Passwords: password.Hasher{Memory: 19 * 1024, Time: 2, Threads: 1}})
		e.App = slow
		if err := e.App.SetUserPassword(context.Background(), haven.System, u.ID, pw); err != nil {
			t.Fatal(err)
		}
		var checked, limited atomic.Int32
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Go(func() {
				_, err := e.App.LogIn(context.Background(), haven.Actor{IP: fmt.Sprintf("203.0.%d.%d", i/200, i%200+1)}, app.LogInInput{Email: u.Email, Password: fmt.Sprint("guess", i)})
				if errors.Is(err, haven.ErrTooManyRequests) {
					limited.Add(1)
				} else {
					checked.Add(1)
				}
			})
		}
		wg.Wait()
		t.Logf("checked %d, limited %d", checked.Load(), limited.Load())
	})
}
