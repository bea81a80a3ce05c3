// Package store owns all SQL. One *DB serves SQLite and PostgreSQL with one
// set of queries (the shared subset, $n placeholders); what differs lives in
// the dialect struct and the two migration folders. Reads of confidential
// objects are scoped by the asking actor. Only package app imports store.
package store
