// Package markdown turns untrusted Markdown into HTML that is safe to put in
// a Haven page, and into short plain-text excerpts. Every author is
// untrusted, program members included (SECURITY.md 1.1 A3 and 1.3).
//
// Render is the one place in Haven allowed to produce template.HTML, because
// its result is sanitizer output:
//
//	Markdown, cut to MaxInput bytes
//	  → goldmark with GFM tables, strikethrough, autolinks and task lists;
//	    raw HTML is never passed through: it is shown as escaped text
//	  → bluemonday with Haven's own allowlist, always the last step
//
// Nothing may change the HTML after bluemonday (GitLab and HackerOne both had
// XSS from rewriting HTML that was already sanitized); a new feature such as
// report references belongs in the goldmark stage, before sanitizing.
//
// The policy (policy.go) allows only the elements goldmark emits, with no id,
// name, style or class (except language-xxx on <code>), and no forms,
// iframes, SVG or MathML. Links must pass IsSafeURL (http, https, mailto, or
// a path on Haven's origin); every link gets rel="nofollow noreferrer", and
// links leaving Haven also get target="_blank" and noopener. Images load only
// from Haven's /attachments/ route, so that reading a report tells no third
// party who reads it and when; any other image becomes a link its reader may
// follow. Task-list boxes are drawn as ☐ and ☑, not as form controls.
//
// goldmark takes time quadratic in some inputs; limits.go bounds nesting,
// delimiters per paragraph, table cells and output size, so that any input
// of MaxInput bytes renders in a fraction of a second. Markdown syntax over a
// limit is shown as text; nothing is dropped without a note.
//
// Package markdown imports only the standard library, goldmark and
// bluemonday. It is a leaf: it must not import any other Haven package (its
// tests use internal/browsertest).
package markdown
