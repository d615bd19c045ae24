package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

// LocalServer looks at a model server the user runs (the profiles marked
// local: Ollama, LM Studio, vLLM, llama.cpp). A port or a variable only
// makes a profile a candidate; the server is taken for one only when it
// answers as that one does (the profile's confirm probes: Ollama's root
// says "Ollama is running", vLLM has /health and /version, …). Then it
// says whether the server runs at all, lists the models it has, names
// model-not-pulled with the nearest it has and the command that gets it,
// and warns when the loaded context is below the profile's min_context or
// what the client configures, since a server such as Ollama cuts a longer
// prompt silently and still answers 200. Every call is a free GET.
//
// Facts: local-server.running (yes, no), local-server.kind (the confirmed
// profile), local-server.has_model (yes, no, unknown) and
// local-server.context (short, ok, unknown).
func LocalServer(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: checks.CheckLocalServer, Title: "The local model server runs and has the model",
		Facts: map[string]string{"local-server.has_model": "unknown"}}
	r.Evidence.Model = s.Model
	cands := localCandidates(s)
	origin, host, port := serverOrigin(s.BaseURL)
	switch {
	case len(cands) == 0:
		r.Status, r.Summary = checks.Skip, "not a local model server's address"
		return r
	case origin == "":
		r.Status, r.Summary = checks.Skip, "no usable base URL to ask"
		return r
	}
	r.Evidence.BaseURL = s.Redactor.Clean(origin)
	lp := &localProbe{c: sessionFor(s).client, origin: origin, seen: map[string]fetchResult{}}

	// Whether anything runs there: the first candidate's first probe.
	first := lp.get(ctx, cands[0].Confirm[0].Path)
	if first.err != nil {
		v := classify.Transport(first.err)
		r.Status, r.Cause = checks.Fail, v.Cause
		r.Evidence.FailedLayer = v.Layer
		r.Evidence.ErrorMessage = clip(first.err.Error(), 300)
		if v.Cause == "connection-refused" {
			r.Facts["local-server.running"] = "no"
			r.Summary = fmt.Sprintf("nothing runs at %s: %s is not running there", net.JoinHostPort(host, port), candidateNames(cands))
			for _, p := range cands {
				if p.StartCommand != "" {
					r.Details = append(r.Details, "start "+profileTitleOf(p)+": "+p.StartCommand)
				}
			}
		} else {
			r.Summary = "the local server could not be asked: " + v.Reason
		}
		return r
	}
	r.Facts["local-server.running"] = "yes"

	var server checks.Profile
	found := false
	var refusedBy []checks.Profile
	for _, p := range cands {
		ok, why, refused := lp.confirms(ctx, p)
		if ok {
			server, found = p, true
			break
		}
		if refused {
			// A server started with a key (vLLM, llama.cpp --api-key, LM
			// Studio's "Require Authentication") refuses a probe for a
			// key it does not know: that says nothing against it.
			refusedBy = append(refusedBy, p)
			r.Details = append(r.Details, "could not confirm "+profileTitleOf(p)+": "+why)
			continue
		}
		r.Details = append(r.Details, "not "+profileTitleOf(p)+": "+why)
	}
	if !found && len(refusedBy) > 0 {
		r.Status = checks.Warn
		r.Summary = fmt.Sprintf("something answers at %s and refuses the key where %s would answer: a server that wants a key, and this one is not it", net.JoinHostPort(host, port), candidateNames(refusedBy))
		return r
	}
	if !found {
		r.Status = checks.Warn
		r.Summary = fmt.Sprintf("something answers at %s, but not as %s does", net.JoinHostPort(host, port), candidateNames(cands))
		r.Details = append(r.Details, "another server holds this port, or the base URL names the wrong port")
		return r
	}
	r.Details = nil
	r.Facts["local-server.kind"] = server.Name
	r.Evidence.Provider = server.Name
	title := profileTitleOf(server)
	if server.Name != s.Profile.Name {
		r.Details = append(r.Details, fmt.Sprintf("the server is %s, not %s: pass --provider %s", title, profileTitleOf(s.Profile), server.Name))
	}
	r.Status = checks.Pass
	r.Summary = title + " runs at " + net.JoinHostPort(host, port)
	lp.models(ctx, &r, s, server)
	lp.context(ctx, &r, s, server)
	return r
}

// localProbe is one walk over a local server's free endpoints; each path
// is fetched at most once.
type localProbe struct {
	c      *Client
	origin string
	seen   map[string]fetchResult
}

func (lp *localProbe) get(ctx context.Context, path string) fetchResult {
	if f, ok := lp.seen[path]; ok {
		return f
	}
	rep, err := lp.c.Do(ctx, Call{URL: lp.origin + path})
	f := fetchResult{reply: rep, err: err}
	lp.seen[path] = f
	return f
}

// confirms reports whether every confirm probe of p holds, and if not,
// which did not; refused when, after a probe that held (a public path such
// as llama.cpp's /health), the next was answered 401 or 403: the server
// wants a key it was not given there. A refusal on the first probe proves
// nothing for p, and counts against it.
func (lp *localProbe) confirms(ctx context.Context, p checks.Profile) (ok bool, why string, refused bool) {
	for i, pr := range p.Confirm {
		f := lp.get(ctx, pr.Path)
		if f.err != nil {
			return false, pr.Path + " got no answer (" + classify.Transport(f.err).Reason + ")", false
		}
		if st := f.reply.Status; i > 0 && (st == http.StatusUnauthorized || st == http.StatusForbidden) {
			return false, fmt.Sprintf("%s refused the key (%d)", pr.Path, st), true
		}
		if ok, why := probeHolds(pr, f.reply); !ok {
			return false, pr.Path + " " + why, false
		}
	}
	return true, "", false
}

// probeHolds reads one answer against one probe.
func probeHolds(pr checks.ServerProbe, rep *Reply) (bool, string) {
	if pr.Status != 0 && rep.Status != pr.Status {
		return false, fmt.Sprintf("answered %d, not %d", rep.Status, pr.Status)
	}
	if pr.Says != "" && !strings.Contains(strings.ToLower(string(rep.Body)), strings.ToLower(pr.Says)) {
		return false, fmt.Sprintf("does not say %q", pr.Says)
	}
	if pr.JSONKey != "" {
		v, ok := jsonPath(rep.Body, pr.JSONKey)
		if !ok {
			return false, fmt.Sprintf("has no %q in its answer", pr.JSONKey)
		}
		if pr.JSONValue != "" && fmt.Sprint(v) != pr.JSONValue {
			return false, fmt.Sprintf("has %s = %s, not %s", pr.JSONKey, clip(fmt.Sprint(v), 40), pr.JSONValue)
		}
	}
	return true, ""
}

// jsonPath finds a dot path ("a.b") in a JSON object.
func jsonPath(body []byte, path string) (any, bool) {
	var cur any
	if json.Unmarshal(body, &cur) != nil {
		return nil, false
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// models lists what the server has and names model-not-pulled for a model
// it lacks.
func (lp *localProbe) models(ctx context.Context, r *checks.Result, s *checks.Setup, p checks.Profile) {
	title := profileTitleOf(p)
	if p.AnyModel {
		r.Details = append(r.Details, title+" answers with the model it was started with, whatever model a request names")
		return
	}
	path := p.LocalModelsPath
	if path == "" {
		path = strings.TrimRight(p.OpenAIBasePath, "/") + "/models"
	}
	f := lp.get(ctx, path)
	if f.err != nil || f.reply.Status != http.StatusOK {
		r.Details = append(r.Details, "its model list ("+path+") did not answer: "+fetchWhy(f))
		return
	}
	ids, _, ok := parseModelList(f.reply.Body)
	if !ok {
		r.Details = append(r.Details, "its model list ("+path+") is not a list")
		return
	}
	want := s.Model
	r.Evidence.Models = modelSample(want, ids, 10)
	switch {
	case len(ids) == 0 && want == "":
		r.Status = checks.Warn
		r.Summary += ", but has no models " + readyWord(p)
		r.Details = append(r.Details, commandFor(p, "MODEL")...)
	case want == "":
		r.Summary += fmt.Sprintf(" with %s %s: %s", plural(len(ids), "model", "models"), readyWord(p), strings.Join(r.Evidence.Models, ", "))
	case localHas(ids, want):
		r.Facts["local-server.has_model"] = "yes"
		r.Summary += " and has " + want + " " + readyWord(p)
	default:
		r.Facts["local-server.has_model"] = "no"
		r.Status, r.Cause = checks.Fail, "model-not-pulled"
		if len(ids) == 0 {
			r.Summary = fmt.Sprintf("%s runs but has no models %s, so not %s", title, readyWord(p), want)
		} else {
			r.Summary = fmt.Sprintf("%s runs but has not %s %s", title, readyWord(p), want)
		}
		if cmd := commandFor(p, want); len(cmd) > 0 {
			r.Summary += ": " + strings.Join(cmd, "; ")
		}
		if near := localNearest(want, ids); len(near) > 0 {
			r.Evidence.SuggestedModel = near[0]
			r.Summary += "; the nearest it has is " + near[0]
		}
		if len(ids) > 0 {
			r.Details = append(r.Details, "models it has: "+strings.Join(r.Evidence.Models, ", "))
		}
	}
}

// context warns when the model is loaded with a context shorter than the
// profile's floor or the client's own setting.
func (lp *localProbe) context(ctx context.Context, r *checks.Result, s *checks.Setup, p checks.Profile) {
	if p.LoadedModelsPath == "" || r.Cause != "" {
		return
	}
	need, from := p.MinContext, "the "+strconv.Itoa(p.MinContext)+" tokens today's clients need"
	if s.ContextTokens > need {
		need, from = s.ContextTokens, "the "+strconv.Itoa(s.ContextTokens)+" your client's configuration sets"
	}
	r.Facts["local-server.context"] = "unknown"
	f := lp.get(ctx, p.LoadedModelsPath)
	if f.err != nil || f.reply.Status != http.StatusOK {
		r.Details = append(r.Details, "the loaded models ("+p.LoadedModelsPath+") did not answer: "+fetchWhy(f))
		return
	}
	var ps struct {
		Models []struct {
			Name          string `json:"name"`
			Model         string `json:"model"`
			ContextLength int    `json:"context_length"`
		} `json:"models"`
	}
	if json.Unmarshal(f.reply.Body, &ps) != nil {
		r.Details = append(r.Details, "the loaded models ("+p.LoadedModelsPath+") are not in the shape expected")
		return
	}
	name, ctxLen := "", 0
	for _, m := range ps.Models {
		if m.ContextLength <= 0 {
			continue
		}
		if s.Model == "" || localHas([]string{m.Name, m.Model}, s.Model) {
			if ctxLen == 0 || m.ContextLength < ctxLen {
				name, ctxLen = cmpOr(m.Name, m.Model), m.ContextLength
			}
		}
	}
	if ctxLen == 0 {
		r.Details = append(r.Details, "no model is loaded now, so its context length shows only once a request loads it (check again after one)")
		return
	}
	if need <= 0 || ctxLen >= need {
		r.Facts["local-server.context"] = "ok"
		r.Details = append(r.Details, fmt.Sprintf("%s is loaded with a context of %d tokens", name, ctxLen))
		return
	}
	r.Facts["local-server.context"] = "short"
	if r.Status == checks.Pass {
		r.Status = checks.Warn
	}
	r.Summary += fmt.Sprintf("; but %s is loaded with a context of %d tokens, below %s: a longer prompt is cut silently, still with a 200", name, ctxLen, from)
	for _, n := range p.Notes {
		if strings.Contains(strings.ToLower(n), "context") {
			r.Details = append(r.Details, n)
		}
	}
}

// localCandidates are the local profiles the address may belong to: the
// chosen profile when it is one, then those whose port or host hints the
// base URL names.
func localCandidates(s *checks.Setup) []checks.Profile {
	var out []checks.Profile
	if s.Profile.Local && len(s.Profile.Confirm) > 0 {
		out = append(out, s.Profile)
	}
	u, err := url.Parse(strings.TrimSpace(s.BaseURL))
	if err != nil || u.Hostname() == "" {
		return out
	}
	port, host := u.Port(), strings.ToLower(u.Hostname())
	for _, p := range s.Config.Profiles {
		if !p.Local || len(p.Confirm) == 0 || p.Name == s.Profile.Name {
			continue
		}
		onPort := port != "" && slices.Contains(p.Ports, atoi(port))
		onHost := false
		for _, h := range p.HostHints {
			onHost = onHost || h != "" && strings.Contains(host, strings.ToLower(h))
		}
		if onPort || onHost {
			out = append(out, p)
		}
	}
	return out
}

// serverOrigin is scheme://host:port of a base URL, with the host and the
// port (explicit or the scheme's).
func serverOrigin(base string) (origin, host, port string) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", "", ""
	}
	host, port = u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return u.Scheme + "://" + net.JoinHostPort(host, port), host, port
}

// localHas: the exact name, or the name without a tag for its ":latest"
// (Ollama's rule: llama3.2 is llama3.2:latest).
func localHas(ids []string, want string) bool {
	for _, id := range ids {
		if id == want || (!strings.Contains(want, ":") && id == want+":latest") {
			return true
		}
	}
	return false
}

// localNearest is NearestModels, then, for a name without a tag, the same
// over the names without their tags (llama3.3 is nearest llama3.2:latest).
func localNearest(want string, ids []string) []string {
	if near := NearestModels(want, ids, 3); len(near) > 0 || strings.Contains(want, ":") {
		return near
	}
	byBase := map[string]string{}
	var bases []string
	for _, id := range ids {
		b, _, _ := strings.Cut(id, ":")
		if _, ok := byBase[b]; !ok {
			byBase[b] = id
			bases = append(bases, b)
		}
	}
	var out []string
	for _, b := range NearestModels(want, bases, 3) {
		out = append(out, byBase[b])
	}
	return out
}

// commandFor is how to get a model the server lacks: the profile's pull
// command, then its load command, with the model's name filled in.
func commandFor(p checks.Profile, model string) []string {
	var out []string
	for _, c := range []string{p.PullCommand, p.LoadCommand} {
		if c != "" {
			out = append(out, strings.ReplaceAll(c, "{model}", model))
		}
	}
	return out
}

// readyWord says what a server's list holds: downloaded models where it
// has a list of its own (Ollama's pulled models), else the models it
// serves now (loaded).
func readyWord(p checks.Profile) string {
	if p.LocalModelsPath != "" && p.LoadCommand == "" {
		return "pulled"
	}
	return "loaded"
}

func candidateNames(ps []checks.Profile) string {
	names := make([]string, 0, len(ps))
	for _, p := range ps {
		names = append(names, profileTitleOf(p))
	}
	return strings.Join(names, " or ")
}

func profileTitleOf(p checks.Profile) string {
	if n := p.DisplayName(); n != "" {
		return n
	}
	return "this server"
}

func fetchWhy(f fetchResult) string {
	if f.err != nil {
		return classify.Transport(f.err).Reason
	}
	return strconv.Itoa(f.reply.Status) + " " + http.StatusText(f.reply.Status)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
