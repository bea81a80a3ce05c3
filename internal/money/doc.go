// Package money owns currencies and amounts of money: the currency of a
// program's reward table and the bounties it pays (PRODUCT.md, "Reward
// table"; Jupyter pays in EUR, from €250 to €5,000).
//
// An Amount is an integer count of the currency's minor unit (cents for
// EUR), never a float, so sums and averages in the public stats are exact.
// A Currency is an active ISO 4217 code with its number of minor units
// (2 for EUR, 0 for JPY, 3 for KWD), from the table in iso4217.go.
//
// Amounts as people type them go through Currency.Parse, which accepts
// "5000", "5,000", "5 000", "5000.50" and "€5,000" but refuses what it
// would have to guess at: a comma for decimals ("5,50"), more decimals
// than the currency has, negative amounts, and more than 10^12 in major
// units. Currency.Format writes "€5,000" for EUR, USD, GBP and JPY and
// "5,000 CHF" for the others, with decimals only when they are not zero.
//
// JSON carries major units as numbers (Currency.Major, Currency.FromMajor).
// FromMajor rounds the float's shortest decimal form, which is the number
// the client wrote, rather than f*100: math.Round(1.005*100) is 100
// because 1.005 is stored as 1.00499999999999989..., whereas the client
// meant 1.005 and gets 1.01 (half up); 0.1+0.2 still gives 0.30.
//
// Error messages are sentences to show the user. Package money imports
// only the standard library. It is a leaf: it must not import any other
// Haven package, and it does no I/O.
package money
