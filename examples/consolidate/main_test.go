package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/connector"
)

// The Graph shapes follow microsoft-graph-docs-contrib's user-list.md
// (Example 11, users with signInActivity; reference/vendors.md §16): a
// "value" array, @odata.nextLink to the next page, and
// "0001-01-01T00:00:00Z" for a sign-in that never happened. Adele Vance and
// Alex Wilber are the docs' demo users; their dates are moved to 2026.
//
// Contoso (two pages): Adele, Alex, a room account with no mail (its email
// is the user principal name, the template's fallback), then Megan.
// Fabrikam (one page): Adele and Alex again as B2B guests, with lower-case
// addresses, and Fabrikam's own Nestor, whose sign-in is blocked.
var tenantPages = map[string][]string{
	"contoso.onmicrosoft.com": {
		`{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,userType,department,jobTitle,assignedLicenses,signInActivity)",
		  "@odata.nextLink": "{base}/v1.0/users?$select=id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,userType,department,jobTitle,assignedLicenses,signInActivity&$top=120&$skiptoken=RFNwdAIAAQAAAA",
		  "value": [
		    {"id": "1aecaf40-dc3a-461f-88a8-d06994e12898", "displayName": "Adele Vance", "givenName": "Adele", "surname": "Vance",
		     "mail": "AdeleV@contoso.com", "userPrincipalName": "AdeleV@contoso.com", "accountEnabled": true, "userType": "Member",
		     "department": "Retail", "jobTitle": "Retail Manager",
		     "signInActivity": {"lastSignInDateTime": "2026-10-17T16:41:33Z", "lastSignInRequestId": "d4d31c40-4c36-4775-ad59-7d1e6a171f00",
		                        "lastNonInteractiveSignInDateTime": "0001-01-01T00:00:00Z", "lastNonInteractiveSignInRequestId": ""}},
		    {"id": "f0662ee5-84b1-43d6-8338-769cce1bc141", "displayName": "Alex Wilber", "givenName": "Alex", "surname": "Wilber",
		     "mail": "AlexW@contoso.com", "userPrincipalName": "AlexW@contoso.com", "accountEnabled": true, "userType": "Member",
		     "department": "Marketing", "jobTitle": "Marketing Assistant",
		     "signInActivity": {"lastSignInDateTime": "2026-11-29T15:53:27Z", "lastSignInRequestId": "f3149ee1-e347-4181-b45b-99a1f82b1c00",
		                        "lastNonInteractiveSignInDateTime": "2026-11-29T17:53:42Z", "lastNonInteractiveSignInRequestId": "868efa6a-b2e9-40e9-9b1c-0aaea5b50200"}},
		    {"id": "6e7b768e-07e2-4810-8459-485f84f8f204", "displayName": "Conf Room Adams", "givenName": null, "surname": null,
		     "mail": null, "userPrincipalName": "Adams@contoso.com", "accountEnabled": true, "userType": "Member",
		     "department": null, "jobTitle": null, "signInActivity": null}
		  ]}`,
		`{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,userType,department,jobTitle,assignedLicenses,signInActivity)",
		  "value": [
		    {"id": "48d31887-5fad-4d73-a9f5-3c356e68a038", "displayName": "Megan Bowen", "givenName": "Megan", "surname": "Bowen",
		     "mail": "MeganB@contoso.com", "userPrincipalName": "MeganB@contoso.com", "accountEnabled": true, "userType": "Member",
		     "department": "Marketing", "jobTitle": "Marketing Manager",
		     "signInActivity": {"lastSignInDateTime": "2026-07-02T08:12:00Z", "lastNonInteractiveSignInDateTime": "2026-07-02T08:12:05Z"}}
		  ]}`,
	},
	"fabrikam.onmicrosoft.com": {
		`{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,userType,department,jobTitle,assignedLicenses,signInActivity)",
		  "value": [
		    {"id": "0b3bd5d3-f3f4-4b2c-8a35-7e9e3f2d6a11", "displayName": "Adele Vance (Contoso)", "givenName": null, "surname": null,
		     "mail": "adelev@contoso.com", "userPrincipalName": "adelev_contoso.com#EXT#@fabrikam.onmicrosoft.com", "accountEnabled": true, "userType": "Guest",
		     "department": null, "jobTitle": null,
		     "signInActivity": {"lastSignInDateTime": "2026-11-27T09:05:10Z", "lastNonInteractiveSignInDateTime": "0001-01-01T00:00:00Z"}},
		    {"id": "9a8c2f6e-3d41-4c1b-b0e2-5f7a6d4c3b21", "displayName": "Alex Wilber (Contoso)", "givenName": null, "surname": null,
		     "mail": "alexw@CONTOSO.com", "userPrincipalName": "alexw_contoso.com#EXT#@fabrikam.onmicrosoft.com", "accountEnabled": true, "userType": "Guest",
		     "department": null, "jobTitle": null,
		     "signInActivity": {"lastSignInDateTime": "2026-05-04T11:00:00Z", "lastNonInteractiveSignInDateTime": "0001-01-01T00:00:00Z"}},
		    {"id": "c3f2a1b0-8d7e-4f6a-9b5c-2e1d0f9a8b7c", "displayName": "Nestor Wilke", "givenName": "Nestor", "surname": "Wilke",
		     "mail": "NestorW@fabrikam.com", "userPrincipalName": "NestorW@fabrikam.com", "accountEnabled": false, "userType": "Member",
		     "department": "Operations", "jobTitle": "Director",
		     "signInActivity": {"lastSignInDateTime": "0001-01-01T00:00:00Z", "lastNonInteractiveSignInDateTime": "0001-01-01T00:00:00Z"}}
		  ]}`,
	},
}

const (
	clientID     = "5f2b7c1e-0000-4000-8000-00000000c1d0"
	clientSecret = "test-client-secret"
	selectQuery  = "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,userType,department,jobTitle,assignedLicenses,signInActivity"
)

// fakeCloud plays both the Microsoft identity platform (the token endpoint
// of each tenant) and Microsoft Graph (GET /v1.0/users, answering with the
// users of the tenant the bearer token was issued for).
type fakeCloud struct {
	failTenant string // answer this tenant's users with 403

	mu       sync.Mutex
	requests []string
}

func (f *fakeCloud) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")

	if tenant, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/oauth2/v2.0/token"); ok && r.Method == http.MethodPost {
		if _, known := tenantPages[tenant]; !known || r.FormValue("client_id") != clientID || r.FormValue("client_secret") != clientSecret ||
			r.FormValue("grant_type") != "client_credentials" || r.FormValue("scope") != "https://graph.microsoft.com/.default" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}`)
			return
		}
		fmt.Fprintf(w, `{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "token-for-%s"}`, tenant)
		return
	}

	if r.Method != http.MethodGet || r.URL.Path != "/v1.0/users" {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error": {"code": "Request_ResourceNotFound"}}`)
		return
	}
	tenant, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer token-for-")
	pages, known := tenantPages[tenant]
	if !ok || !known {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error": {"code": "InvalidAuthenticationToken", "message": "Access token validation failure."}}`)
		return
	}
	if tenant == f.failTenant {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}}`)
		return
	}
	q := r.URL.Query()
	if q.Get("$select") != selectQuery || q.Get("$top") != "120" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error": {"code": "BadRequest", "message": "unexpected query %q"}}`, r.URL.RawQuery)
		return
	}
	page := pages[0]
	if q.Get("$skiptoken") != "" {
		page = pages[1]
	}
	fmt.Fprint(w, strings.ReplaceAll(page, "{base}", "http://"+r.Host))
}

var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		tenants    []string
		failTenant string
		secret     string
		want       string
		wantErr    error
		// wantRequests, when set, counts the requests the fake cloud
		// must get, by method and path.
		wantRequests map[string]int
	}{
		{
			// Adele: "AdeleV@contoso.com" (Contoso, signed in 10-17) and
			// "adelev@contoso.com" (Fabrikam guest, 11-27) are one person;
			// the later Fabrikam record wins (its name and address) and its
			// empty department is filled from Contoso's. Alex: the Contoso
			// record is the later one and wins over "alexw@CONTOSO.com".
			name:    "two tenants",
			tenants: []string{"contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com"},
			want: `contoso.onmicrosoft.com: 4 users, succeeded
fabrikam.onmicrosoft.com: 3 users, succeeded
7 users in 2 tenants, 5 people

EMAIL                 NAME                   DEPARTMENT  STATUS     ACTIVITY  LAST SIGN-IN  CONNECTOR
Adams@contoso.com     Conf Room Adams        -           active     never     never         contoso.onmicrosoft.com
adelev@contoso.com    Adele Vance (Contoso)  Retail      active     active    2026-11-27    fabrikam.onmicrosoft.com
AlexW@contoso.com     Alex Wilber            Marketing   active     active    2026-11-29    contoso.onmicrosoft.com
MeganB@contoso.com    Megan Bowen            Marketing   active     inactive  2026-07-02    contoso.onmicrosoft.com
NestorW@fabrikam.com  Nestor Wilke           Operations  suspended  never     never         fabrikam.onmicrosoft.com
`,
			// One token per tenant, then its pages.
			wantRequests: map[string]int{
				"POST /contoso.onmicrosoft.com/oauth2/v2.0/token":  1,
				"POST /fabrikam.onmicrosoft.com/oauth2/v2.0/token": 1,
				"GET /v1.0/users": 3,
			},
		},
		{
			name:       "one tenant refuses",
			tenants:    []string{"contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com"},
			failTenant: "fabrikam.onmicrosoft.com",
			wantErr:    connector.ErrForbidden,
			want: `contoso.onmicrosoft.com: 4 users, succeeded
fabrikam.onmicrosoft.com: 0 users, failed
4 users in 1 tenants, 4 people

EMAIL               NAME             DEPARTMENT  STATUS  ACTIVITY  LAST SIGN-IN  CONNECTOR
Adams@contoso.com   Conf Room Adams  -           active  never     never         contoso.onmicrosoft.com
AdeleV@contoso.com  Adele Vance      Retail      active  inactive  2026-10-17    contoso.onmicrosoft.com
AlexW@contoso.com   Alex Wilber      Marketing   active  active    2026-11-29    contoso.onmicrosoft.com
MeganB@contoso.com  Megan Bowen      Marketing   active  inactive  2026-07-02    contoso.onmicrosoft.com
`,
		},
		{
			name:    "wrong client secret",
			tenants: []string{"contoso.onmicrosoft.com", "fabrikam.onmicrosoft.com"},
			secret:  "not-the-secret",
			// A refused token request is connector.ErrUnauthorized (and
			// still auth.ErrInvalidCredentials, checked below).
			wantErr: connector.ErrUnauthorized,
			want: `contoso.onmicrosoft.com: 0 users, failed
fabrikam.onmicrosoft.com: 0 users, failed
0 users in 0 tenants, 0 people

EMAIL  NAME  DEPARTMENT  STATUS  ACTIVITY  LAST SIGN-IN  CONNECTOR
`,
			wantRequests: map[string]int{
				"POST /contoso.onmicrosoft.com/oauth2/v2.0/token":  1,
				"POST /fabrikam.onmicrosoft.com/oauth2/v2.0/token": 1,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cloud := &fakeCloud{failTenant: tt.failTenant}
			srv := httptest.NewServer(cloud)
			defer srv.Close()

			args := []string{"-graph-url", srv.URL + "/v1.0", "-login-url", srv.URL}
			for _, tenant := range tt.tenants {
				args = append(args, "-tenant", tenant)
			}
			secret := tt.secret
			if secret == "" {
				secret = clientSecret
			}
			env := map[string]string{"SAASCONNECT_CLIENT_ID": clientID, "SAASCONNECT_CLIENT_SECRET": secret}
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), args, func(k string) string { return env[k] }, &stdout, &stderr,
				connector.WithClock(func() time.Time { return now }))
			if tt.wantErr == nil && err != nil {
				t.Fatalf("run: %v", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("run error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == connector.ErrUnauthorized && !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Fatalf("run error = %v, want it to match auth.ErrInvalidCredentials too", err)
			}
			if got := stdout.String(); got != tt.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("the client secret leaked into the error: %v", err)
			}
			if tt.wantRequests != nil {
				got := map[string]int{}
				for _, r := range cloud.requests {
					got[r]++
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.wantRequests) {
					t.Errorf("requests = %v, want %v", got, tt.wantRequests)
				}
			}
		})
	}
}

func TestArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{name: "no tenant", want: "-tenant"},
		{name: "no credentials", args: []string{"-tenant", "contoso.onmicrosoft.com"}, want: `"client_id"`},
		{name: "unknown flag", args: []string{"-tenants", "x"}, want: "-tenants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, func(k string) string { return tt.env[k] }, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run error = %v, want one containing %s", err, tt.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
		})
	}
}
