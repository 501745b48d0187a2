package ldaptest

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"time"
)

// ADUsers returns a generated Active Directory of n user accounts under
// OU=Staff,DC=corp,DC=example,DC=com, shaped like AD's own entries, with
// the cases a connector must handle at fixed indexes (see ADUser).
func ADUsers(n int, now time.Time) Generated {
	return Generated{N: n, Make: func(i int) Entry { return ADUser(i, now) }}
}

// The special accounts among ADUsers, by index modulo 100.
const (
	ADDisabled      = 7  // userAccountControl 514 (ACCOUNTDISABLE)
	ADNeverLogon    = 13 // lastLogonTimestamp absent, pwdLastSet 0
	ADFutureLogon   = 21 // lastLogonTimestamp a FILETIME a year after now
	ADNonASCII      = 33 // givenName Zoë, sn Ångström-Øre, department Forschung & Entwicklung
	ADMultiMail     = 45 // two mail values
	ADComputer      = 58 // a computer account (objectClass computer)
	ADLocked        = 66 // userAccountControl 528 (LOCKOUT, enabled)
	ADNeverSentinel = 77 // lastLogonTimestamp 9223372036854775807
)

// ADGUID returns the objectGUID bytes of user i and its canonical string.
func ADGUID(i int) ([]byte, string) {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b[0:4], uint32(0x1a2b0000+i))
	binary.LittleEndian.PutUint16(b[4:6], 0x3c4d)
	binary.LittleEndian.PutUint16(b[6:8], 0x5e6f)
	copy(b[8:], []byte{0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7})
	return b, fmt.Sprintf("%08x-3c4d-5e6f-8091-a2b3c4d5e6f7", 0x1a2b0000+i)
}

// fileTime converts t to a Windows FILETIME.
func fileTime(t time.Time) string {
	return strconv.FormatInt((t.Unix()+11644473600)*1e7+int64(t.Nanosecond()/100), 10)
}

// ADUser returns user i: "user<i>" (sAMAccountName), mail
// user<i>@corp.example.com, last logon i hours before now, enabled (512),
// in department Dept<i%10>, managed by user<i/10> (user 0 has no manager),
// member of SaaS-Users when i is even, except the special accounts listed
// by the AD* constants.
func ADUser(i int, now time.Time) Entry {
	sam := "user" + strconv.Itoa(i)
	dn := "CN=User " + strconv.Itoa(i) + ",OU=Staff,DC=corp,DC=example,DC=com"
	guid, _ := ADGUID(i)
	a := map[string][]string{
		"objectClass":        {"top", "person", "organizationalPerson", "user"},
		"objectCategory":     {"CN=Person,CN=Schema,CN=Configuration,DC=corp,DC=example,DC=com"},
		"cn":                 {"User " + strconv.Itoa(i)},
		"sAMAccountName":     {sam},
		"userPrincipalName":  {sam + "@corp.example.com"},
		"mail":               {sam + "@corp.example.com"},
		"givenName":          {"Given" + strconv.Itoa(i)},
		"sn":                 {"Family" + strconv.Itoa(i)},
		"displayName":        {"Given" + strconv.Itoa(i) + " Family" + strconv.Itoa(i)},
		"department":         {"Dept" + strconv.Itoa(i%10)},
		"title":              {"Engineer"},
		"employeeID":         {fmt.Sprintf("E%06d", i)},
		"departmentNumber":   {"CC" + strconv.Itoa(100+i%7)},
		"userAccountControl": {"512"},
		"objectGUID":         {string(guid)},
		"lastLogonTimestamp": {fileTime(now.Add(-time.Duration(i%1000) * time.Hour))},
		"pwdLastSet":         {fileTime(now.Add(-90 * 24 * time.Hour))},
		"whenCreated":        {"20200115103000.0Z"},
		"memberOf":           {"CN=All-Staff,OU=Groups,DC=corp,DC=example,DC=com"},
	}
	if i > 0 {
		a["manager"] = []string{"CN=User " + strconv.Itoa(i/10) + ",OU=Staff,DC=corp,DC=example,DC=com"}
	}
	if i%2 == 0 {
		a["memberOf"] = append(a["memberOf"], "CN=SaaS-Users,OU=Groups,DC=corp,DC=example,DC=com")
	}
	switch i % 100 {
	case ADDisabled:
		a["userAccountControl"] = []string{"514"}
	case ADNeverLogon:
		delete(a, "lastLogonTimestamp")
		a["pwdLastSet"] = []string{"0"}
	case ADFutureLogon:
		a["lastLogonTimestamp"] = []string{fileTime(now.Add(365 * 24 * time.Hour))}
	case ADNonASCII:
		a["givenName"] = []string{"Zoë"}
		a["sn"] = []string{"Ångström-Øre"}
		a["displayName"] = []string{"Zoë Ångström-Øre"}
		a["department"] = []string{"Forschung & Entwicklung"}
	case ADMultiMail:
		a["mail"] = []string{sam + "@corp.example.com", sam + "@old.example.com"}
	case ADComputer:
		dn = "CN=WS" + strconv.Itoa(i) + ",OU=Computers,DC=corp,DC=example,DC=com"
		a = map[string][]string{
			"objectClass":        {"top", "person", "organizationalPerson", "user", "computer"},
			"objectCategory":     {"CN=Computer,CN=Schema,CN=Configuration,DC=corp,DC=example,DC=com"},
			"cn":                 {"WS" + strconv.Itoa(i)},
			"sAMAccountName":     {"WS" + strconv.Itoa(i) + "$"},
			"userAccountControl": {"4096"},
			"objectGUID":         {string(guid)},
		}
	case ADLocked:
		a["userAccountControl"] = []string{"528"}
	case ADNeverSentinel:
		a["lastLogonTimestamp"] = []string{"9223372036854775807"}
	}
	return Entry{DN: dn, Attributes: a}
}
