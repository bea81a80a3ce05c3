package cli

import (
	"context"
	"fmt"
	"runtime"
)

func version(ctx context.Context, e env, args []string) error {
	fmt.Fprintf(e.stdout, "haven %s (%s, %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
