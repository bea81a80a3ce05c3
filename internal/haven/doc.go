// Package haven is Haven's vocabulary: accounts, actors, roles, permissions
// and the error kinds every layer speaks. It is pure Go with no I/O and
// imports only the standard library; every other package may import it.
package haven
