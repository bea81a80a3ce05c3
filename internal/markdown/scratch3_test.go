package markdown

import (
	"os"
	"strings"
	"testing"
)

func TestScratch3(t *testing.T) {
	src := map[string]string{
		"([]":       rep("([]", MaxInput),
		"bs":        rep("\\``", MaxInput),
		"refexpand": "[a]: /" + strings.Repeat("x", 8000) + "\n\n" + rep("[a]", MaxInput-8100),
		"setext":    rep("a\n=\n", MaxInput),
	}[os.Getenv("CASE")]
	for i := 0; i < 3; i++ {
		RenderString(src)
	}
}
