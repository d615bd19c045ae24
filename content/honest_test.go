package content

import (
	"testing"
)

// Every symptom walked with the test request declined (request.unseen) on
// a setup where the free checks pass: no verdict that rests on the missing
// request may be called confirmed, and each names alternatives from the
// tree. The same walk with the request sent and passing is confirmed.
func TestTreeDeclinedRequestIsUnconfirmed(t *testing.T) {
	declined := func() map[string]string {
		f := treeWith("request.status", "skip", "request.cause", "", "request.http", "", "request.unseen", "yes")
		return f
	}
	cases := []struct {
		answers   []string
		confirmed bool // the free checks alone decide it
	}{
		{[]string{"401"}, false},
		{[]string{"402"}, false},
		{[]string{"403"}, false},
		{[]string{"404"}, false},
		{[]string{"413"}, false},
		{[]string{"429"}, false},
		{[]string{"500"}, false},
		{[]string{"5xx"}, false},
		{[]string{"529"}, false},
		{[]string{"slow"}, false},
		{[]string{"stream"}, false},
		{[]string{"setup"}, false},
		// The models list answered over the address: the connection works.
		{[]string{"connection"}, true},
	}
	tr := treeParse(t)
	for _, c := range cases {
		d := treeDrive(t, tr, "", declined(), c.answers...)
		if got := d.w.Confirmed(); got != c.confirmed {
			t.Errorf("%v declined: %s confirmed = %v, want %v; path: %s", c.answers, d.cause(), got, c.confirmed, treePath(d.w))
			continue
		}
		if !c.confirmed && len(d.w.Alternatives()) == 0 {
			t.Errorf("%v declined: %s is unconfirmed with no alternatives", c.answers, d.cause())
		}
		sent := treeDrive(t, tr, "", treeHealthy(), c.answers...)
		if !sent.w.Confirmed() {
			t.Errorf("%v sent: %s unconfirmed although the request passed; path: %s", c.answers, sent.cause(), treePath(sent.w))
		}
	}

	// The journey: 429, no to the request, the account out of
	// quota. The verdict may be rate-limited, but insufficient-balance must
	// be a candidate.
	d := treeDrive(t, tr, "", declined(), "429")
	found := false
	for _, a := range d.w.Alternatives() {
		found = found || a == "insufficient-balance"
	}
	if !found {
		t.Errorf("429 declined: alternatives %v lack insufficient-balance", d.w.Alternatives())
	}

	// diagnose --no-request on a working setup: healthy, not confirmed.
	w, err := tr.Resolve("root", declined())
	if err != nil {
		t.Fatal(err)
	}
	if w.Current().Cause != "healthy" || w.Confirmed() {
		t.Errorf("--no-request: %s confirmed=%v, want healthy unconfirmed", w.Current().Cause, w.Confirmed())
	}
}
