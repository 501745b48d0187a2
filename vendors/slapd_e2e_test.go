package vendors

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/ldaptest"
)

// slapdEntries is how many users the end-to-end test loads: with page size
// 1000, three searches.
const slapdEntries = 2500

// TestOpenLDAPEndToEnd runs the openldap template against a real slapd
// (Debian's slapd package), started for the test on loopback with a
// private CA, StartTLS, the mdb backend and 2,500 inetOrgPerson entries
// loaded with slapadd. It is skipped, saying so, when slapd is not
// installed.
func TestOpenLDAPEndToEnd(t *testing.T) {
	slapd, err := exec.LookPath("slapd")
	if err != nil {
		slapd = "/usr/sbin/slapd"
	}
	slapadd := filepath.Join(filepath.Dir(slapd), "slapadd")
	for _, p := range []string{slapd, slapadd, "/etc/ldap/schema/inetorgperson.schema"} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("SKIPPED: the end-to-end test against a real OpenLDAP server needs slapd (apt-get install slapd): %v", err)
		}
	}
	dir := t.TempDir()
	certPEM, keyPEM, caPEM := ldaptest.CertificatePEM(t)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cert, key, ca := write("cert.pem", certPEM), write("key.pem", keyPEM), write("ca.pem", caPEM)
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	modules := "/usr/lib/ldap"
	conf := write("slapd.conf", []byte(fmt.Sprintf(`include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath %s
moduleload back_mdb
pidfile %s/slapd.pid
TLSCertificateFile %s
TLSCertificateKeyFile %s
sizelimit unlimited
database mdb
dbnosync
maxsize 104857600
suffix "dc=example,dc=com"
rootdn "cn=admin,dc=example,dc=com"
rootpw %s
directory %s/db
`, modules, dir, cert, key, ldapFixturePassword, dir)))

	var ldif bytes.Buffer
	ldif.WriteString("dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n")
	ldif.WriteString("dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n\n")
	for i := range slapdEntries {
		fmt.Fprintf(&ldif, "dn: uid=u%d,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: u%d\ncn: User %d\nsn: User\ngivenName: U%d\nmail: u%d@example.com\nou: Dept%d\ntitle: Engineer\nemployeeNumber: %d\n\n", i, i, i, i, i, i%5, 1000+i)
	}
	start := time.Now()
	if out, err := exec.Command(slapadd, "-q", "-f", conf, "-l", write("data.ldif", ldif.Bytes())).CombinedOutput(); err != nil {
		t.Fatalf("slapadd: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(slapd, "-f", conf, "-h", "ldap://127.0.0.1:"+port+"/", "-d", "0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("slapd: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// Wait until it accepts connections (it starts in well under a second).
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slapd did not listen on port %s: %s", port, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	t.Logf("slapd loaded and listening after %v", time.Since(start).Round(time.Millisecond))
	tmpl, err := Get("openldap")
	if err != nil {
		t.Fatal(err)
	}
	c, err := connector.New(tmpl, "openldap-e2e", connector.Settings{
		"host": "127.0.0.1", "port": port, "base_dn": "ou=people,dc=example,dc=com",
		"bind_dn": "cn=admin,dc=example,dc=com", "password": ldapFixturePassword, connector.CAFileSetting: ca,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Test(t.Context()); err != nil {
		t.Fatalf("Test: %v", err)
	}
	ids := map[string]bool{}
	var u42 saasconnect.User
	rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
		ids[u.ID] = true
		if u.Email == "u42@example.com" {
			u42 = u
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v (slapd: %s)", err, stderr.String())
	}
	if rep.Requests != 3 || rep.Pages != 3 || rep.Kept != slapdEntries || len(ids) != slapdEntries {
		t.Errorf("report %+v, %d distinct IDs; want 3 searches and %d users", rep, len(ids), slapdEntries)
	}
	if len(u42.ID) != 36 || strings.Count(u42.ID, "-") != 4 || u42.Name != "User 42" || u42.Department != "Dept2" || u42.Extra["employee_id"] != "1042" {
		t.Errorf("u42 = %+v, want its entryUUID as ID, name, department and employee number", u42)
	}

	// A wrong password is refused by slapd with result code 49.
	bad, err := connector.New(tmpl, "openldap-e2e", connector.Settings{
		"host": "127.0.0.1", "port": port, "base_dn": "ou=people,dc=example,dc=com",
		"bind_dn": "cn=admin,dc=example,dc=com", "password": "not-the-password", connector.CAFileSetting: ca,
	})
	if err != nil {
		t.Fatal(err)
	}
	var te *connector.TestError
	if err := bad.Test(t.Context()); !errors.As(err, &te) || te.Problem != connector.ProblemCredentials {
		t.Errorf("Test with a wrong password: %v, want a credentials problem", err)
	}
}
