// Package cvss parses and scores CVSS 3.0, 3.1 and 4.0 vector strings.
//
// It wraps github.com/pandatix/go-cvss, which parses the vectors and
// prints them in canonical form, and adds two things the library lacks:
// errors that name the offending metric (so the API can say which part
// of a vector is wrong), and CVSS 4.0 scores that agree with FIRST's
// reference calculator on every vector (go-cvss rounds a final value
// that should be exactly x.x5 but is a hair below it in floating point
// down instead of up; see score40.go).
//
// The package imports only the standard library and go-cvss; it must not
// import any other Haven package.
package cvss
