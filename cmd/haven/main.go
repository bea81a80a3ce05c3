// Command haven runs Haven, a vulnerability disclosure and bug bounty
// platform. See 'haven help'.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // program calendars name IANA time zones; do not depend on the host's database

	"github.com/haven-project/haven/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal starts a graceful shutdown, a second one
	// kills the process at once (the default action).
	context.AfterFunc(ctx, stop)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
