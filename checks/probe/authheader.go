package probe

import (
	"context"
	"fmt"
	"strconv"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

// AuthHeader finds out whether a 401 is about the header rather than the key.
// Only when the models list refused the key in the header the user's client
// uses, it asks the same free models list again with the other form (Bearer
// ↔ x-api-key). If that works, the server reads the other header. It never
// touches the billable endpoint.
//
// Facts: auth-header.http (the status the other form got).
func AuthHeader(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: checks.CheckAuthHeader, Title: "The server reads the key from the header your client sends", Facts: map[string]string{}}
	done := func() checks.Result { return r }
	if modelsURLOf(s) == "" || s.Key.Empty() {
		r.Status, r.Summary = checks.Skip, "not tried: it needs the models list and a key"
		return done()
	}
	if protocolOf(s) == checks.ProtocolGemini {
		r.Status, r.Summary = checks.Skip, "not tried: Gemini's native API reads its key from x-goog-api-key or ?key= only"
		return done()
	}
	ns := sessionFor(s)
	f := ns.fetchModels(ctx)
	if f.err != nil || f.reply.Status != 401 {
		r.Status, r.Summary = checks.Skip, "not needed: the models list did not answer 401"
		return done()
	}
	used := AuthFormFor(s)
	other := AuthBearer
	if used == AuthBearer {
		other = AuthXAPIKey
	}
	rep, err := ns.client.Do(ctx, Call{URL: modelsURLOf(s), Auth: other})
	if err != nil {
		r.Status = checks.Skip
		r.Summary = "could not try " + other.Header() + ": " + classify.Transport(err).Reason
		return done()
	}
	r.Facts["auth-header.http"] = strconv.Itoa(rep.Status)
	r.Evidence.Status = rep.Status
	if rep.Status >= 200 && rep.Status < 300 {
		r.Status, r.Cause = checks.Fail, "auth-header-format"
		r.Summary = fmt.Sprintf("this server reads the key from %s, not from %s: the same key works there", other.Header(), used.Header())
		r.Details = append(r.Details,
			fmt.Sprintf("With %s the models list answered 401; with %s it answered %d.", used.Header(), other.Header(), rep.Status),
			"Send the key in "+other.Header()+": most SDKs take extra default headers, or use the SDK of the protocol this server speaks.")
		return done()
	}
	r.Status = checks.Pass
	r.Summary = fmt.Sprintf("the header is not the problem: the key is refused in %s and in %s alike (%d)", used.Header(), other.Header(), rep.Status)
	return done()
}
