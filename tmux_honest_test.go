package main

import (
	"net/http"
	"testing"
)

// The journey of issue 13 in a real terminal: "429", then "n" to the test
// request, against an account that is out of quota (its models list
// answers, every completion would get OpenAI's 429 insufficient_quota).
// Nothing answered 429, so the result must lead with "Not confirmed" and
// name the quota cause as a candidate, never state the rate limit with the
// models list's "Status: 200".
func TestTmuxDeclined429IsUnconfirmed(t *testing.T) {
	t.Parallel()
	api := e2eOpenAIServer()
	api.key = tmuxKey
	api.complete = func(w http.ResponseWriter, r *http.Request, req e2eCompletion) {
		e2eBody(429, "application/json", "openai_429_insufficient_quota.json")(w, r, req)
	}
	srv := e2eServe(t, api)
	p := tmuxStart(t, tmuxOpts{
		width: 100, height: 40,
		env:  map[string]string{"OPENAI_API_KEY": tmuxKey},
		args: []string{"--base-url", e2eURL(srv, "/v1"), "--model", "gpt-4o"},
	})
	p.waitText(tmuxRootPrompt)
	s := p.screen()
	if tmuxHas(s, "billed") {
		t.Errorf("the first screen says a request is billed:%s", p.show(s))
	}
	p.choose("429 Too Many Requests")
	p.waitText(tmuxURLPrompt)
	p.keys("Enter")
	p.waitText(tmuxModelPrompt)
	p.keys("Enter")
	p.waitText(tmuxClientPrompt)
	p.keys("Enter")
	p.waitText("y to send")
	p.keys("n")
	s = p.waitText("Not confirmed")
	if !tmuxHas(s, "Your account is out of credit or quota") {
		t.Errorf("the quota cause is not named as a candidate:%s", p.show(s))
	}
	if tmuxHas(s, "Status: 200") {
		t.Errorf("the page quotes the models list's 200 as evidence:%s", p.show(s))
	}
	if got := api.posts.Load(); got != 0 {
		t.Errorf("n sent %d completions", got)
	}
	p.noKey("the unconfirmed page", s)
	p.keys("q")
	p.waitExit()
}
