package main

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/connector"
)

// The fake tenant answers as Microsoft Graph does (microsoft-graph-docs-
// contrib, user-list.md and subscribedsku-list.md): a client-credentials
// token endpoint per tenant, GET /v1.0/users with assignedLicenses and
// signInActivity in two pages linked by @odata.nextLink, and GET
// /v1.0/subscribedSkus. "0001-01-01T00:00:00Z" and a null signInActivity
// both mean the user never signed in.
const (
	demoTenant       = "contoso.onmicrosoft.com"
	demoClientID     = "5f2b7c1e-0000-4000-8000-00000000c1d0"
	demoClientSecret = "demo-client-secret"
	demoToken        = "demo-access-token"

	skuE5      = "c7df2760-2c81-4ef7-b578-5b5392b571df" // ENTERPRISEPREMIUM
	skuE3      = "05e9a617-0261-4cee-bb44-138d3ef5d965" // SPE_E3
	skuPowerBI = "f8a1db68-be16-40ed-86d5-cb42ce701560" // POWER_BI_PRO
	skuVisio   = "c5928f49-12ba-48f7-ada3-0d743a3601d5" // VISIOCLIENT
)

// demoNow is the fake tenant's today: sign-ins before 2026-09-02 are more
// than the template's 90 days old.
var demoNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// demoSKUs is the fake tenant's subscribedSkus body. Visio is bought
// through a partner and its prepaidUnits are not reported: an unknown total.
const demoSKUs = `{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscribedSkus",
  "value": [
    {"capabilityStatus": "Enabled", "consumedUnits": 4, "id": "48a80680-7326-48cd-9935-b556b81d3a4e_` + skuE5 + `",
     "prepaidUnits": {"enabled": 10, "lockedOut": 0, "suspended": 0, "warning": 0},
     "skuId": "` + skuE5 + `", "skuPartNumber": "ENTERPRISEPREMIUM", "appliesTo": "User"},
    {"capabilityStatus": "Enabled", "consumedUnits": 3, "id": "48a80680-7326-48cd-9935-b556b81d3a4e_` + skuE3 + `",
     "prepaidUnits": {"enabled": 3, "lockedOut": 0, "suspended": 0, "warning": 0},
     "skuId": "` + skuE3 + `", "skuPartNumber": "SPE_E3", "appliesTo": "User"},
    {"capabilityStatus": "Enabled", "consumedUnits": 2, "id": "48a80680-7326-48cd-9935-b556b81d3a4e_` + skuPowerBI + `",
     "prepaidUnits": {"enabled": 2, "lockedOut": 0, "suspended": 0, "warning": 0},
     "skuId": "` + skuPowerBI + `", "skuPartNumber": "POWER_BI_PRO", "appliesTo": "User"},
    {"capabilityStatus": "Enabled", "consumedUnits": 1, "id": "48a80680-7326-48cd-9935-b556b81d3a4e_` + skuVisio + `",
     "skuId": "` + skuVisio + `", "skuPartNumber": "VISIOCLIENT", "appliesTo": "User"}
  ]}`

// demoUserPages are the two pages of GET /v1.0/users. {base} is replaced by
// the server's URL.
var demoUserPages = [2]string{
	`{"@odata.nextLink": "{base}/v1.0/users?$select=id,displayName,mail,userPrincipalName,accountEnabled,assignedLicenses,signInActivity&$top=120&$skiptoken=RFNwdAIAAQAAAA",
	  "value": [
	    {"id": "1aecaf40-dc3a-461f-88a8-d06994e12898", "displayName": "Adele Vance", "mail": "AdeleV@contoso.com",
	     "userPrincipalName": "AdeleV@contoso.com", "accountEnabled": true,
	     "assignedLicenses": [{"disabledPlans": [], "skuId": "` + skuE5 + `"}, {"disabledPlans": [], "skuId": "` + skuPowerBI + `"}],
	     "signInActivity": {"lastSignInDateTime": "2026-11-28T16:41:33Z"}},
	    {"id": "f0662ee5-84b1-43d6-8338-769cce1bc141", "displayName": "Alex Wilber", "mail": "AlexW@contoso.com",
	     "userPrincipalName": "AlexW@contoso.com", "accountEnabled": true,
	     "assignedLicenses": [{"disabledPlans": [], "skuId": "` + skuE5 + `"}, {"disabledPlans": [], "skuId": "` + skuVisio + `"}],
	     "signInActivity": {"lastSignInDateTime": "2026-05-04T11:00:00Z"}},
	    {"id": "48d31887-5fad-4d73-a9f5-3c356e68a038", "displayName": "Megan Bowen", "mail": "MeganB@contoso.com",
	     "userPrincipalName": "MeganB@contoso.com", "accountEnabled": true,
	     "assignedLicenses": [{"disabledPlans": [], "skuId": "` + skuE3 + `"}, {"disabledPlans": [], "skuId": "` + skuPowerBI + `"}],
	     "signInActivity": {"lastSignInDateTime": "2026-07-02T08:12:00Z"}}
	  ]}`,
	`{"value": [
	    {"id": "c3f2a1b0-8d7e-4f6a-9b5c-2e1d0f9a8b7c", "displayName": "Nestor Wilke", "mail": "NestorW@contoso.com",
	     "userPrincipalName": "NestorW@contoso.com", "accountEnabled": true,
	     "assignedLicenses": [{"disabledPlans": [], "skuId": "` + skuE3 + `"}],
	     "signInActivity": {"lastSignInDateTime": "0001-01-01T00:00:00Z"}},
	    {"id": "6e7b768e-07e2-4810-8459-485f84f8f204", "displayName": "Conf Room Adams", "mail": null,
	     "userPrincipalName": "Adams@contoso.com", "accountEnabled": true,
	     "assignedLicenses": [], "signInActivity": null},
	    {"id": "0b3bd5d3-f3f4-4b2c-8a35-7e9e3f2d6a11", "displayName": "Lynne Robbins", "mail": "LynneR@contoso.com",
	     "userPrincipalName": "LynneR@contoso.com", "accountEnabled": true,
	     "assignedLicenses": [{"disabledPlans": [], "skuId": "` + skuE3 + `"}, {"disabledPlans": [], "skuId": "3b555118-da6a-4418-894f-7df1e2096870"}],
	     "signInActivity": null}
	  ]}`,
}

// fakeTenant is the fake Microsoft cloud of one tenant, serving skus as
// its subscribedSkus and userPages (demoUserPages unless changed) as its
// users. Its fields must not change once it serves.
type fakeTenant struct {
	skus      string
	userPages [2]string
}

func newFakeTenant(skus string) *fakeTenant { return &fakeTenant{skus: skus, userPages: demoUserPages} }

func (f *fakeTenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost && r.URL.Path == "/"+demoTenant+"/oauth2/v2.0/token" {
		if r.FormValue("client_id") != demoClientID || r.FormValue("client_secret") != demoClientSecret ||
			r.FormValue("grant_type") != "client_credentials" || r.FormValue("scope") != "https://graph.microsoft.com/.default" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}`)
			return
		}
		fmt.Fprint(w, `{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "`+demoToken+`"}`)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+demoToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error": {"code": "InvalidAuthenticationToken", "message": "Access token validation failure."}}`)
		return
	}
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/v1.0/subscribedSkus":
		fmt.Fprint(w, f.skus)
	case r.Method == http.MethodGet && r.URL.Path == "/v1.0/users":
		page := f.userPages[0]
		if r.URL.Query().Get("$skiptoken") != "" {
			page = f.userPages[1]
		}
		fmt.Fprint(w, strings.ReplaceAll(page, "{base}", "http://"+r.Host))
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error": {"code": "Request_ResourceNotFound"}}`)
	}
}

// demoSettings points graph.json at a fake tenant served at base.
func demoSettings(base string) connector.Settings {
	return connector.Settings{
		"tenant":        demoTenant,
		"base_url":      base + "/v1.0",
		"token_url":     base + "/" + demoTenant + "/oauth2/v2.0/token",
		"client_id":     demoClientID,
		"client_secret": demoClientSecret,
	}
}
