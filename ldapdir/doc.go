// Package ldapdir lists the entries of an LDAP directory (Active Directory,
// OpenLDAP, FreeIPA, JumpCloud LDAP, the Okta LDAP interface) as records
// for saasconnect's mapping, filters and activity: a connector template's
// "ldap" block ([Config]) says where the directory is and what to search;
// a [Search] binds and walks the result in pages with the Simple Paged
// Results control (RFC 2696, OID 1.2.840.113556.1.4.319).
//
// The protocol is github.com/go-ldap/ldap/v3. Connections are ldaps://, or
// ldap:// upgraded with StartTLS before the bind; plain LDAP is allowed
// only to a loopback host. Referrals are not followed (another host would
// receive the bind credentials): they are reported in [Page.Referrals].
//
// # Records
//
// Each entry becomes a map[string]any: "dn" holds the entry's DN, and
// each attribute its values, a string when it has one value and a []any of
// strings when it has several (LDAP does not say which attributes are
// multi-valued without the schema; a path like "mail" reads the first
// value either way). Attribute names take the spelling of
// [Config.Attributes]. [Config.GUIDAttributes] (objectGUID) are rendered as
// canonical GUID strings ([FormatGUID]), [Config.BinaryAttributes] in
// base64.
//
// # Failures
//
// Errors are *[Error]: the step that failed ([OpConnect], [OpStartTLS],
// [OpBind], [OpSearch]), the result code and the server's diagnostic
// message, never the password. [ErrInvalidCredentials] (result code 49)
// and [ErrNoSuchObject] (32) match with errors.Is. A connection refused,
// reset or dropped in the middle of a page, a timeout, and the result
// codes busy (51) and unavailable (52) are retried ([Retry]): the search
// reconnects, binds again and asks for the same page with the same cookie.
package ldapdir
