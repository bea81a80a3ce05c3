package app

import (
	"archive/zip"
	"context"
	"fmt"
	"image"
	_ "image/gif" // DecodeConfig for GIF uploads
	_ "image/jpeg"
	_ "image/png"
	"io"
	"path"
	"strings"

	"github.com/haven-project/haven/internal/haven"
)

// Limits on what an upload may hold (ASVS 5.2.3, 5.2.6).
const (
	maxImagePixels  = 50_000_000 // an image a browser may decode in a report
	maxZipEntries   = 10_000
	maxZipExpansion = 1 << 30 // bytes, all entries uncompressed
)

// extensionTypes maps the extensions that name a type Haven recognises to
// that type: a file named so must hold it (ASVS 5.2.2). Other extensions
// (.py, .html, .ipynb, .har…) are accepted and served as downloads; so
// is a .txt holding markup (a proof of concept often does): it is served as
// application/octet-stream, which is no less safe.
var extensionTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
	".pdf": "application/pdf", ".zip": "application/zip", ".mp4": "video/mp4", ".webm": "video/webm",
}

// checkUpload inspects a stored upload: its name's extension must match
// its content, images must not be huge to decode, and archives must not
// expand beyond reason. It returns an InvalidError naming the file.
func (a *App) checkUpload(ctx context.Context, at *haven.Attachment) error {
	ext := strings.ToLower(path.Ext(at.Filename))
	if want, ok := extensionTypes[ext]; ok && want != at.ContentType {
		return haven.Invalid("attachments", fmt.Sprintf("%s is named %s but does not hold that kind of file: rename it or attach the right file.", at.Filename, ext))
	}
	switch at.ContentType {
	case "image/png", "image/jpeg", "image/gif":
		body, err := a.cfg.Blobs.Open(ctx, at.PublicID)
		if err != nil {
			return err
		}
		defer body.Close()
		cfg, _, err := image.DecodeConfig(body)
		if err != nil {
			return haven.Invalid("attachments", at.Filename+" is not a readable image.")
		}
		if int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
			return haven.Invalid("attachments", fmt.Sprintf("%s is %d×%d pixels: attach an image of at most 50 megapixels.", at.Filename, cfg.Width, cfg.Height))
		}
	case "application/zip":
		body, err := a.cfg.Blobs.Open(ctx, at.PublicID)
		if err != nil {
			return err
		}
		defer body.Close()
		ra, ok := body.(io.ReaderAt)
		if !ok {
			return nil // a store without random access: the size cap applies alone
		}
		zr, err := zip.NewReader(ra, at.Size)
		if err != nil {
			return haven.Invalid("attachments", at.Filename+" is not a readable ZIP archive.")
		}
		if len(zr.File) > maxZipEntries {
			return haven.Invalid("attachments", fmt.Sprintf("%s holds %d files: attach an archive of at most %d.", at.Filename, len(zr.File), maxZipEntries))
		}
		var total uint64
		for _, f := range zr.File {
			total += f.UncompressedSize64
		}
		if total > maxZipExpansion {
			return haven.Invalid("attachments", at.Filename+" expands to more than 1 GB: attach a smaller archive.")
		}
	}
	return nil
}
