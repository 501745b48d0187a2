package ldapdir_test

import (
	"fmt"

	"github.com/saasconnect/saasconnect/ldapdir"
)

// A template's ldap block is checked with its {placeholders} in place;
// problems name the key.
func ExampleConfig_Validate() {
	c := ldapdir.Config{
		URL:          "ldap://{host}:389",
		BindDN:       "{bind_dn}",
		BindPassword: "hunter2",
		BaseDN:       "{base_dn}",
		Filter:       "(&(objectClass=user)",
		PageSize:     5000,
	}
	fmt.Println(c.Validate())
	// Output:
	// bind_password: must be a single {placeholder} naming a secret setting, never the password itself
	// filter: invalid search filter "(&(objectClass=user)": ldap: unexpected end of filter
	// page_size: must be 1 to 1000 (Active Directory's MaxPageSize), got 5000
}

// Active Directory stores objectGUID as 16 bytes; Windows prints the first
// three groups little-endian.
func ExampleFormatGUID() {
	b := []byte{0x3f, 0x25, 0x04, 0xdb, 0x6e, 0x23, 0x9d, 0x4c, 0x9f, 0x1c, 0x0e, 0x3b, 0x5a, 0x7c, 0x11, 0xd4}
	fmt.Println(ldapdir.FormatGUID(b))
	// Output:
	// db04253f-236e-4c9d-9f1c-0e3b5a7c11d4
}
