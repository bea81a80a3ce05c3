// Package web serves Haven over HTTP: the server-rendered pages and the
// JSON API under /api/v1. routes.go is the one route table; each line names
// who may use the route. Handlers parse input, call package app with the
// acting haven.Actor, and render; they never touch the database (web does
// not import store).
package web
