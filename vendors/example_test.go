package vendors_test

import (
	"errors"
	"fmt"

	"github.com/saasconnect/saasconnect/vendors"
)

// Pick a prebuilt template and see what it needs before building a
// connector from it.
func ExampleGet() {
	t, err := vendors.Get("okta")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s (%s support): %s\n", t.Name, t.Support, t.DocsURL)
	for _, s := range t.Settings() {
		switch {
		case s.Required:
			fmt.Printf("  %s (required, secret=%v)\n", s.Name, s.Secret)
		case s.Default != "":
			fmt.Printf("  %s (default %s)\n", s.Name, s.Default)
		}
	}
	// Output:
	// Okta (full support): https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
	//   okta_domain (required, secret=false)
	//   base_url (default https://{okta_domain})
	//   api_key (required, secret=true)
}

// A slug the package does not know gives an error that lists the known ones.
func ExampleGet_unknown() {
	_, err := vendors.Get("myspace")
	fmt.Println(errors.Is(err, vendors.ErrUnknownVendor))
	// Output:
	// true
}

// List the prebuilt templates, for example to offer them in a picker.
func ExampleList() {
	for _, t := range vendors.List() {
		fmt.Printf("%-18s %-8s %s\n", t.Slug, t.Support, t.Name)
	}
	// Output:
	// 1password-scim     partial  1Password (SCIM bridge)
	// active-directory   full     Active Directory
	// adobe-umapi        full     Adobe User Management API
	// adobe-workfront    full     Adobe Workfront
	// apptio             partial  Apptio
	// asana              full     Asana
	// autodesk           full     Autodesk Construction Cloud / BIM 360
	// box                full     Box
	// bugsnag            partial  Bugsnag
	// calendly           full     Calendly
	// cloudflare         full     Cloudflare
	// cyberark-identity  partial  CyberArk Identity
	// datadog            full     Datadog
	// domo               full     Domo
	// dropbox            full     Dropbox Business
	// figma              full     Figma
	// freshdesk          full     Freshdesk
	// github             full     GitHub
	// github-copilot     full     GitHub Copilot
	// gitlab             full     GitLab Self-Managed
	// google-workspace   full     Google Workspace
	// hubspot            full     HubSpot
	// intercom           full     Intercom
	// jira-cloud         full     Jira Cloud
	// linear             partial  Linear
	// lucidchart         partial  Lucidchart
	// microsoft-entra    full     Microsoft Entra ID
	// miro-scim          partial  Miro (SCIM)
	// monday             partial  monday.com
	// namely             full     Namely
	// notion-scim        partial  Notion (SCIM)
	// okta               full     Okta
	// openldap           full     OpenLDAP (inetOrgPerson)
	// oracle-fusion      full     Oracle Fusion Cloud
	// pagerduty          full     PagerDuty
	// practitest         full     PractiTest
	// salesforce         full     Salesforce
	// scim               full     SCIM 2.0 (generic)
	// sentry             full     Sentry
	// servicenow         full     ServiceNow
	// slack              full     Slack
	// smartsheet         full     Smartsheet
	// webex              full     Webex
	// zendesk            full     Zendesk
	// zoom               partial  Zoom
}
