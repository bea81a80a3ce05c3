// Package cwe owns Haven's list of CWE weaknesses: the shipped list of
// MITRE's Common Weakness Enumeration ids and names that a vulnerability
// report names its weakness from ("CWE-79"), shown with its name.
//
// The list is cwe.tsv, embedded and parsed once on first use. It holds
// the 934 weaknesses of CWE version 4.13 that are not deprecated; its
// header names the source repository, file and commit and carries MITRE's
// terms of use, which any copy of the list must keep. Categories and views
// are left out on purpose: they are not weaknesses, and MITRE does not
// allow them for mapping a vulnerability.
//
// Weaknesses as people type them go through Parse, which accepts
// "CWE-79", "cwe-79", "CWE 79", "79" and the String form
// "CWE-79: Improper Neutralization ..." (whose name must then match).
// Search serves an autocomplete or a <datalist>: a case-insensitive
// substring match over "CWE-<id> <name>", with the weakness whose id the
// query names first. An <option value="CWE-79"> labelled with the name
// sends back the Code, which Parse accepts.
//
// Error messages are sentences to show the user. Package cwe imports only
// the standard library. It is a leaf: it must not import any other Haven
// package, and it does no I/O.
package cwe
