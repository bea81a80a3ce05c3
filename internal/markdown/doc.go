// Package markdown turns untrusted Markdown into HTML that is safe to put in
// a Haven page, and into short plain-text excerpts. Every author is
// untrusted, program members included (SECURITY.md 1.1 A3, 1.3).
//
// Render is the one place in Haven allowed to produce template.HTML, because
// its result is sanitizer output:
//
//	Markdown (capped at MaxInput bytes)
//	  → goldmark with GFM tables, strikethrough, autolinks and task lists;
//	    raw HTML is never passed through: it is shown as escaped text
//	  → bluemonday with Haven's own allowlist, always the last step
//
// Nothing may transform the HTML after bluemonday (GitLab and HackerOne both
// had XSS from rewriting already-sanitized HTML); a new feature such as
// report references belongs in the goldmark stage, before sanitizing.
//
// The policy allows only the elements goldmark emits: no id, name, style or
// class (except language-xxx on <code>), no forms, iframes, SVG or MathML.
// Links must pass IsSafeURL (http, https, mailto or a same-origin path) and
// get rel="nofollow noreferrer", plus target="_blank" and noopener when
// absolute. Images load only from Haven's own /attachments/ route, so
// reading a report never tells a third party the reader's address; any other
// image becomes a plain link its reader may choose to follow. Task-list
// checkboxes are drawn as ☐ and ☑ rather than form controls.
//
// Package markdown imports only the standard library, goldmark and
// bluemonday. It is a leaf: it must not import any other Haven package.
package markdown
