package mapping

import (
	"encoding/json"
	"strings"
	"testing"
)

// Vendor record shapes, one record each, copied (trimmed) from
// the project's vendor research notes (shared/reference/vendors.md), which cites the vendor source of each.
var vendorRecords = map[string]string{
	// Okta components.examples.ListUsersSearchResponse (lastLogin null) and
	// ListUsersResponse (lastLogin set).
	"okta": `{"id":"00u1xke1apZnmHgpB1d7","status":"ACTIVE","created":"2021-11-17T16:11:16.000Z","activated":null,
		"statusChanged":null,"lastLogin":"2022-05-04T19:50:52.000Z","lastUpdated":"2022-05-24T15:39:09.000Z","passwordChanged":null,
		"type":{"id":"oty2di92xFgQTiKEJ1d6"},
		"profile":{"firstName":"Ben","lastName":"Richler","mobilePhone":null,"secondEmail":"","department":"Engineering",
		"login":"ben.richler@example.com","email":"ben.richler@example.com"}}`,
	"okta-never": `{"id":"00u269cmneNMFHCH51d7","status":"PROVISIONED","created":"2021-12-17T15:16:55.000Z","activated":null,
		"statusChanged":null,"lastLogin":null,"lastUpdated":"2022-05-24T15:38:04.000Z","passwordChanged":"2021-12-17T15:16:56.000Z",
		"type":{"id":"oty2di92xFgQTiKEJ1d6"},
		"profile":{"firstName":"Janice","lastName":"Benson","mobilePhone":null,"secondEmail":null,"department":"Engineering",
		"login":"janice.benson@gmail.com","email":"janice.benson@gmail.com"}}`,
	// Microsoft Graph user-list.md Example 11 (+ $select'ed fields).
	"graph": `{"displayName":"Adele Vance","userPrincipalName":"AdeleV@contoso.com","id":"1aecaf40-dc3a-461f-88a8-d06994e12898",
		"givenName":"Adele","surname":"Vance","mail":"AdeleV@contoso.com","accountEnabled":true,"department":"Retail","jobTitle":"Retail Manager",
		"signInActivity":{"lastSignInDateTime":"2021-06-17T16:41:33Z","lastSignInRequestId":"d4d31c40-4c36-4775-ad59-7d1e6a171f00",
		"lastNonInteractiveSignInDateTime":"0001-01-01T00:00:00Z","lastNonInteractiveSignInRequestId":""}}`,
	"graph-never": `{"displayName":"Alex Wilber","userPrincipalName":"AlexW@contoso.com","id":"f0662ee5-84b1-43d6-8338-769cce1bc141",
		"accountEnabled":false,"signInActivity":{"lastSignInDateTime":"0001-01-01T00:00:00Z","lastSignInRequestId":""}}`,
	// Figma SCIM list example: emails as an object.
	"figma": `{"name":{"givenName":"Scim","familyName":"User"},"roles":[{"type":"seatType","value":"Dev"}],"title":"Developer",
		"emails":{"type":"work","value":"scimuser@example.com","primary":"true"},
		"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"scimuser@example.com","externalID":"123456789","displayName":"Scim User",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"costCenter":"323245","department":"Mobile Engineering","organization":"Product"},
		"urn:ietf:params:scim:schemas:extension:figma:enterprise:2.0:User":{"figmaAdmin":false},
		"id":"974343320676444348","active":true,
		"meta":{"resourceType":"User","created":"2021-05-12T16:12:30Z","lastModified":"2021-05-12T16:12:30Z"}}`,
	// SCIM core schema form: emails as an array with a primary flag.
	"scim-array": `{"id":"2819c223","userName":"bjensen","active":false,
		"name":{"givenName":"Barbara","familyName":"Jensen"},
		"emails":[{"value":"bjensen@home.example.com","type":"home"},{"value":"bjensen@example.com","type":"work","primary":true}]}`,
	// PractiTest _users.md (JSON:API).
	"practitest": `{"id":"538724","type":"users","attributes":{"first-name":null,"last-name":null,"display-name":"monica@gmail.com",
		"email":"monica@gmail.com","time-zone":"UTC","created-at":"2016-06-20T14:35:19+03:00"}}`,
	// Workfront USER fields (event-sub-resource-fields.md) with its time layout.
	"workfront": `{"ID":"4c7c9a1e0000d7ea1e8b7a2b2a3f2b1c","name":"Ann Lee","firstName":"Ann","emailAddr":"ann.lee@example.com","isActive":true,
		"lastLoginDate":"2010-08-30T09:00:00:000-0600","title":"Producer","roleID":"4c7c","homeGroupID":"5d8d","accessLevelID":"6e9e","objCode":"USER"}`,
	// Namely profiles_index cassette: epoch seconds in created_at/updated_at.
	"namely": `{"id":"20332458-c1fe-412f-bcb8-01622f04a35d","email":"leighton@example.com","first_name":"Leighton","last_name":"Meester",
		"preferred_name":"","user_status":"active","job_title":{"id":"a662b7ca-714f-4b9a-9b6a-2a8b571f087f","title":"VP, Client Services"},
		"personal_email":"personalemailLeightonMeester@namely.com","start_date":"2011-01-15","departure_date":"",
		"created_at":1400611216,"updated_at":1415905802,
		"links":{"groups":[{"id":"7997604d-37fe-43b1-903f-dcd054549135","name":"Account Management"}]}}`,
	// GitHub Copilot seat (copilot-seats-list): nullable last_activity_at.
	"copilot": `{"created_at":"2021-08-03T18:00:00-06:00","updated_at":"2021-09-23T15:00:00-06:00","pending_cancellation_date":null,
		"last_activity_at":"2021-10-14T00:53:32-06:00","last_activity_editor":"vscode/1.77.3/copilot/1.86.82","plan_type":"business",
		"assignee":{"login":"octocat","id":1,"node_id":"MDQ6VXNlcjE=","type":"User","site_admin":false},
		"assigning_team":{"id":1,"name":"Justice League","slug":"justice-league"}}`,
	"copilot-null": `{"created_at":"2021-08-03T18:00:00-06:00","pending_cancellation_date":"2021-11-01","last_activity_at":null,
		"assignee":{"login":"octokitten","id":2,"type":"User"}}`,
	// CyberArk Redrock Result.Results[].Row (column names unconfirmed).
	"cyberark": `{"Row":{"ID":"c2c7bcc6-9560-44e0-8dff-5be221cd37ee","Username":"jdoe@example.com","DisplayName":"John Doe",
		"Email":"jdoe@example.com","LastLogin":"/Date(1600000000000)/","Status":"Active"}}`,
	// Smartsheet List Users.
	"smartsheet": `{"id":94094820842,"email":"john.doe@smartsheet.com","name":"John Doe","firstName":"John","lastName":"Doe",
		"profileImage":{"imageId":"u!1!8ljad7w9-aY!AsDeH0wWv1Y!y9VvAgUOFdg","height":1050,"width":1050},
		"status":"ACTIVE","admin":true,"licensedSheetCreator":true,"groupAdmin":true,"resourceViewer":true,
		"sheetCount":3,"lastLogin":"2016-08-15T18:32:47Z","customWelcomeScreenViewed":"2016-08-12T12:15:47Z"}`,
	// Webex People.
	"webex": `{"id":"Y2lzY29zcGFyazovL3VzL1BFT1BMRS9mNWIzNjE4Ny1jOGRkLTQ3MjctOGIyZi1mOWM0NDdmMjkwNDY",
		"emails":["john.andersen@example.com"],"displayName":"John Andersen","nickName":"John","firstName":"John","lastName":"Andersen",
		"orgId":"Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi85NmFiYzJhYS0zZGNjLTExZTUtYTE1Mi1mZTM0ODE5Y2RjOWE",
		"roles":["Y2lzY29zcGFyazovL3VzL1JPTEUvOTZhYmMyYWEtM2RjYy0xMWU1LWExNTItZmUzNDgxOWNkYzlh"],
		"department":"Sales","manager":"John Duarte","title":"GM",
		"created":"2015-10-18T14:26:16.000Z","lastModified":"2015-10-18T14:26:16.000Z","lastActivity":"2015-10-18T14:26:16.028Z",
		"status":"active","invitePending":"false","loginEnabled":"true","type":"person"}`,
	// Bugsnag collaborators cassette.
	"bugsnag": `{"id":"5a1589f0d1befa47553ffd5f","name":"Bugsnag","email":"user@example.com","two_factor_enabled":false,
		"two_factor_enabled_on":null,"password_updated_on":"2017-12-06T16:40:04.011Z","show_time_in_utc":true,
		"projects_url":"https://api.bugsnag.com/users/5a1589f0d1befa47553ffd5f/projects","heroku":false,"recovery_codes_remaining":0,
		"is_admin":true,"pending_invitation":false,"last_request_at":"2017-12-12T11:54:53.966Z","project_ids":["5a1589f1d1befa47553ffd64"],"paid_for":false}`,
	// Domo list users.
	"domo": `{"id":535460005,"title":"Supreme Ninja Master","email":"hattori.hanzo@domo.com","role":"Admin","phone":"801-787-8456","name":"Hattori Hanzo"}`,
	// Autodesk accountadmin User schema (no example in the spec; values illustrative).
	"autodesk": `{"id":"a75e8769-621e-40b6-a524-0cffdd2f784e","account_id":"9dbb160e-b904-458b-bc5c-ed184687592d","email":"john.smith@mail.com",
		"name":"John Smith","nickname":"Johnny","first_name":"John","last_name":"Smith","uid":"edr1c4cd","role":"account_admin","status":"active",
		"company_id":"28e4e819","company_name":"Autodesk","job_title":"Software Developer","last_sign_in":"2016-04-05T07:27:20.858Z",
		"created_at":"2015-06-26T14:47:39.458Z","updated_at":"2016-04-07T07:15:29.261Z"}`,
	// Oracle Fusion userAccounts.
	"oracle": `{"UserId":60,"Username":"CUST_CONTRACT_MGR_OPERATIONS","SuspendedFlag":false,"PersonId":100010024201426,
		"PersonNumber":"WRKR-10024201426","CredentialsEmailSentFlag":true,"GUID":"5A25572D96277A00C0547E3A715EF682","CreatedBy":"0","CreationDate":"2009-05-25T08:00:00+00:00"}`,
	// Lucid users (baton models).
	"lucid": `{"userId":123,"accountId":456,"email":"amy@example.com","name":"Amy Pond","roles":["billing-admin"],"username":"amy"}`,
	// Apptio Get User.
	"apptio": `{"id":"6f1c","login":"jsmith","active":true,"full":"Jane Smith","email":"jane.smith@example.com",
		"persona":{"enumValue":"ADMIN"},"domain":"example.com","failedLoginCount":0,"accountType":"STANDARD","accountStatus":"ACTIVE"}`,
}

// record decodes a vendor record the way connectors do (UseNumber).
func record(t testing.TB, name string) any {
	t.Helper()
	s, ok := vendorRecords[name]
	if !ok {
		t.Fatalf("no vendor record %q", name)
	}
	return decodeJSON(t, s)
}

func decodeJSON(t testing.TB, s string) any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %.40s: %v", s, err)
	}
	return v
}
