// Package saasconnect builds SaaS user-discovery connectors: programs that log
// in to a SaaS vendor's admin API, page through its users, map each vendor
// record onto one common [User], keep the ones that match filters, classify
// how recently each user was active, and hand the result to the caller.
//
// This root package holds the model ([User], [Status], [ActivityState]).
// The work happens in its sub-packages: auth, paginate, mapping, filter,
// activity, connector, vendors and flexera.
package saasconnect
