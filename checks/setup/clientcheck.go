package setup

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// ClientConfigSpec: the client-config check proves no cause of its own
// (what it reads feeds key-present, key-sources and base-url); it says what
// the client sends and what is wrong with its files.
var ClientConfigSpec = checks.Spec{ID: checks.CheckClientConfig}

// ClientConfig reports the client whose configuration was read: which
// files, which key and base URL win and why, the request it sends, and any
// file that could not be read, a helper that was not run, a conflict the
// client itself refuses.
func ClientConfig(_ context.Context, s *checks.Setup) checks.Result {
	r := newResult(s, checks.CheckClientConfig, "The client's own configuration")
	st := stateOf(s)
	if st == nil {
		r.Status = checks.Skip
		r.Summary = "no client's configuration was read: plain SDK defaults (pass --client NAME)"
		if s.Client != "" {
			r.Summary = "unknown client " + s.Client + ": plain SDK defaults"
		}
		return r
	}
	title := st.spec.Title
	r.Evidence.Client, r.Evidence.Sources = s.Client, s.Origins
	r.Evidence.BaseURL = displayURL(s.BaseURL)
	r.Evidence.Endpoint = displayURL(s.Endpoint)

	r.Details = append(r.Details, "client "+s.Client+" ("+s.ClientReason+")")
	if len(st.read) == 0 && len(st.spec.Files) > 0 {
		r.Details = append(r.Details, "none of its configuration files is here; it reads the environment only")
	}
	for _, f := range st.read {
		r.Details = append(r.Details, "read "+f)
	}
	for _, o := range s.Origins {
		line := o.Kind + ": " + o.Name
		if o.Fingerprint != "" {
			line += " = " + o.Fingerprint
		}
		if o.Used {
			line += " ← used (" + o.Why + ")"
		} else {
			line += " — " + o.Why
		}
		r.Details = append(r.Details, line)
	}
	r.Details = append(r.Details, "it sends: "+describeShape(s))
	for _, t := range st.spec.Trust {
		r.Details = append(r.Details, "runtime "+t.Runtime+": "+trustLine(t))
	}

	switch {
	case len(st.problems) > 0:
		r.Status = checks.Fail
		r.Summary = st.problems[0]
		if len(st.problems) > 1 {
			r.Summary += fmt.Sprintf(" (and %d more)", len(st.problems)-1)
		}
		r.Details = append(st.problems[1:], r.Details...)
	case st.helper != "" && st.helperRun && st.helperErr != "":
		r.Status = checks.Fail
		r.Summary = "apiKeyHelper in " + st.helperIn + " " + st.helperErr + ": " + title + " has no key"
	case st.helper != "" && !st.helperRun && s.Key.Empty():
		r.Status = checks.Warn
		r.Summary = "the key comes from apiKeyHelper in " + st.helperIn + ", which was not run: the key could not be checked (pass --run-key-helper to let it run)"
	case st.login != nil && len(st.problems) == 0:
		r.Status = checks.Pass
		r.Summary = title + ": " + st.login.what + " in " + st.login.label + "; it sends that login's token to " + displayURL(s.Endpoint) + " — a login unstuck cannot check"
	case st.conflict != "":
		r.Status = checks.Warn
		r.Summary = "Auth conflict: " + st.conflict + ": " + title + " sends " + s.KeyEnv + " and warns; unset the one you do not mean"
	default:
		r.Status = checks.Pass
		n := len(st.read)
		r.Summary = title + ": " + plural(n, "configuration file", "configuration files") + " read; sends " + authWords(s) + " to " + displayURL(s.Endpoint)
		if s.Endpoint == "" {
			r.Summary = title + ": " + plural(n, "configuration file", "configuration files") + " read; no usable endpoint"
		}
	}
	return r
}

// describeShape is the request in one line: method, URL, auth header,
// extra headers (credential values masked) and what else it calls.
func describeShape(s *checks.Setup) string {
	var b strings.Builder
	b.WriteString("POST " + displayURL(s.Endpoint))
	b.WriteString(" with " + authWords(s))
	var hs []string
	for _, h := range s.Shape.Headers {
		v := h.Value
		if checks.IsCredentialHeader(h.Name) {
			v = checks.Fingerprint(v)
		}
		hs = append(hs, h.Name+": "+v)
	}
	if len(hs) > 0 {
		b.WriteString(", " + strings.Join(hs, ", "))
	}
	if len(s.Shape.Query) > 0 {
		q := url.Values{}
		for k, v := range s.Shape.Query {
			q.Set(k, v)
		}
		b.WriteString(", query " + displayURL("http://x/?" + q.Encode())[len("http://x/?"):])
	}
	if s.Shape.Stream {
		b.WriteString(", streamed")
	}
	if s.Model != "" {
		b.WriteString("; model " + s.Model)
	}
	if s.Shape.SmallModel != "" {
		b.WriteString(", background model " + s.Shape.SmallModel)
	}
	if len(s.Shape.AlsoCalls) > 0 {
		also := append([]string{}, s.Shape.AlsoCalls...)
		sort.Strings(also)
		b.WriteString("; also calls " + strings.Join(also, ", "))
	}
	return b.String()
}

func authWords(s *checks.Setup) string {
	switch s.Shape.Auth {
	case "bearer":
		return "Authorization: Bearer"
	case "x-api-key":
		return "x-api-key"
	case "api-key":
		return "api-key"
	}
	return "no key header"
}

// clientBasePath is the base URL's /v1 rule for the client: with (the AI
// SDK and OpenCode post {baseURL}/messages) or without (Claude Code and the
// Anthropic SDKs add /v1/messages). ok is false when the client leaves the
// rule to the protocol's SDK check.
func clientBasePath(s *checks.Setup, st *clientState, lower, path string, show func(string) string) (checks.Status, string, string, bool) {
	title := st.spec.Title
	hasV1 := strings.HasSuffix(lower, "/v1")
	switch {
	case st.wire.BaseV1 == "without" && hasV1:
		return checks.Fail,
			"the base URL ends with /v1, but " + title + " adds " + strings.SplitN(st.wire.Path, "?", 2)[0] + " itself: it calls " + displayURL(s.Endpoint),
			"write " + show(path[:len(path)-3]) + " (without /v1)", true
	case st.wire.BaseV1 == "without":
		return checks.Pass, "", "", true
	case st.wire.BaseV1 == "with" && s.Protocol == checks.ProtocolAnthropic && !hasV1:
		return checks.Fail,
			"the base URL has no /v1, but " + title + " posts {baseURL}" + st.wire.Path + ": it calls " + displayURL(s.Endpoint),
			"write " + show(path+"/v1") + " (" + title + "'s Anthropic base URL includes /v1)", true
	case st.wire.BaseV1 == "with" && s.Protocol == checks.ProtocolAnthropic:
		return checks.Pass, "", "", true
	}
	return checks.Pass, "", "", false
}

// clientBaseHasV1 reports whether the client's base URL includes /v1.
func clientBaseHasV1(s *checks.Setup) bool {
	cs := stateOf(s)
	return cs != nil && cs.wire.BaseV1 == "with"
}

// clientKeyPresent is key-present for a client: the key it sends, from
// wherever its configuration takes it.
func clientKeyPresent(s *checks.Setup, cs *clientState) checks.Result {
	r := keyResult(s, checks.CheckKeyPresent, "API key is set")
	title := cs.spec.Title
	r.Details = append(r.Details, "client "+s.Client+" ("+s.ClientReason+")", "profile "+s.Profile.Name+" ("+s.ProfileReason+")")
	if !s.Key.Empty() {
		r.Status = checks.Pass
		r.Summary = title + " sends " + s.KeyEnv + " from " + sourceWords(s.KeySource) + ": " + checks.Fingerprint(s.Key.Reveal())
		return r
	}
	switch {
	case cs.login != nil:
		// A subscription login: no key to look at, and nothing missing.
		r.Status = checks.Skip
		r.Summary = title + " uses " + cs.login.what + " in " + cs.login.label + ": a subscription login, not an API key — unstuck cannot check it"
		r.Details = append(r.Details, "if "+title+" says the login expired or was refused, sign in again with its own login command")
		return r
	case cs.helper != "" && !cs.helperRun:
		// Not a missing key: one that was not looked at. The check says
		// so and proves nothing.
		r.Status = checks.Skip
		r.Summary = "the key comes from apiKeyHelper in " + cs.helperIn + ", which was not run: it could not be checked (pass --run-key-helper)"
		return r
	case cs.helper != "" && cs.helperErr != "":
		r.Status, r.Cause = checks.Fail, "key-missing"
		r.Summary = "apiKeyHelper in " + cs.helperIn + " " + cs.helperErr + ": " + title + " has no key to send"
		return r
	}
	r.Status, r.Cause = checks.Fail, "key-missing"
	where := "its configuration files"
	if len(cs.spec.Files) == 0 {
		where = "the environment"
	}
	switch {
	case len(cs.unread) > 0:
		u := cs.unread[0]
		r.Summary = title + " finds no key in " + where + ": " + u.env + " is set in " + u.layer + ", but " + u.why
	case s.KeyEnv != "":
		r.Summary = s.KeyEnv + " is not set in " + where + " or this shell: " + title + " has no key to send"
	default:
		r.Summary = title + " finds no key in " + where
	}
	r.Details = append(r.Details, cs.spec.Notes...)
	return r
}

func sourceWords(src string) string {
	if src == "environment" {
		return "the environment"
	}
	return src
}

// clientKeySources is key-sources for a client: every key it could take,
// the one it takes, and whether this shell shows another — the "I changed
// the key but nothing changed" of a tool with its own settings.
func clientKeySources(s *checks.Setup, cs *clientState) checks.Result {
	r := keyResult(s, checks.CheckKeySources, "One key, from one place")
	title := cs.spec.Title
	if len(cs.keys) == 0 {
		r.Status, r.Summary = checks.Skip, "no key found for "+title+" in its files or the environment"
		return r
	}
	for _, o := range s.Origins {
		if o.Kind != "key" {
			continue
		}
		line := o.Name + ": " + o.Fingerprint
		if o.Fingerprint == "" {
			line = o.Name
		}
		if o.Used {
			line += " ← " + o.Why
		} else {
			line += " — " + o.Why
		}
		r.Details = append(r.Details, line)
	}
	distinct := map[string]bool{}
	for _, k := range cs.keys {
		distinct[strings.TrimSpace(k.value)] = true
	}
	if cs.shellKey != "" {
		distinct[strings.TrimSpace(cs.shellKey)] = true
	}
	if len(distinct) < 2 {
		r.Status = checks.Pass
		if len(cs.keys) == 1 {
			r.Summary = "one key, from " + cs.keys[0].name
		} else {
			r.Summary = "the same key in every place (" + plural(len(cs.keys), "source", "sources") + ")"
		}
		return r
	}
	r.Status, r.Cause = checks.Warn, "key-shadowed"
	if cs.winner < 0 {
		r.Summary = fmt.Sprintf("%d different keys for %s, and none it would send", len(distinct), title)
		return r
	}
	w := cs.keys[cs.winner]
	if cs.shellKey != "" {
		r.Summary = title + " sends the key from " + w.name + " (" + checks.Fingerprint(w.value) + "), not the one this shell shows in " +
			cs.shellKeyVar + " (" + checks.Fingerprint(cs.shellKey) + ")"
		r.Details = append(r.Details, "change or remove it in "+w.layer+", or unset it there to use the shell's")
		return r
	}
	r.Summary = fmt.Sprintf("%d different keys for %s: it sends %s (%s)", len(distinct), title, w.name, checks.Fingerprint(w.value))
	return r
}
