package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

// The calls a client makes besides its main request (RequestShape.AlsoCalls).
// A relay that answers the main request but not these breaks the client
// halfway: Claude Code counts tokens with POST /v1/messages/count_tokens and
// sends background work to a small model.

// Check IDs of the background calls. They live here, beside their code;
// checks/ids.go lists the core checks.
const (
	CheckCountTokens       = "count-tokens"        // endpoint-unsupported; facts: count-tokens.http
	CheckSmallModel        = "small-model"         // model-not-found; facts: small-model.listed (yes|no|unknown)
	CheckSmallModelRequest = "small-model-request" // classifier causes; facts: small-model-request.http, small-model-request.stream
)

// CountTokens asks the token counter the client relies on. It is free (no
// model runs), so it runs even with --no-request. A 404 or 405 there while
// the models list answers at the same base is a relay without the endpoint.
//
// Facts: count-tokens.http (the status code, when the server answered).
func CountTokens(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: CheckCountTokens, Title: "The token counter your client calls answers", Facts: map[string]string{}}
	switch {
	case !alsoCalls(s, callCountTokens):
		r.Status, r.Summary = checks.Skip, "not needed: your client does not count tokens"
		return r
	case s.Key.Empty():
		r.Status, r.Summary = checks.Skip, "not asked: there is no key to send"
		return r
	}
	u, err := countTokensURL(s)
	if err != nil {
		r.Status, r.Summary = checks.Skip, "not asked: there is no usable base URL"
		return r
	}
	model := s.Model
	if model == "" {
		model = probeModel(sessionFor(s).listedIDs(ctx))
	}
	if model == "" {
		r.Status, r.Summary = checks.Skip, "not asked: the token counter needs a model (use --model)"
		return r
	}
	r.Evidence.Endpoint = shownURL(u)
	body, _ := json.Marshal(map[string]any{"model": model, "messages": []map[string]string{{"role": "user", "content": "Say OK"}}})
	ns := sessionFor(s)
	rep, err := ns.client.Do(ctx, Call{Method: "POST", URL: u, Body: body})
	if err != nil {
		transportFail(&r, rep, err, "the token counter got no answer")
		return r
	}
	replyEvidence(&r, s, rep)
	r.Facts[CheckCountTokens+".http"] = strconv.Itoa(rep.Status)
	if rep.Status >= 200 && rep.Status < 300 {
		var ans struct {
			InputTokens *int `json:"input_tokens"`
		}
		if json.Unmarshal(rep.Body, &ans) != nil || ans.InputTokens == nil {
			r.Status = checks.Warn
			r.Summary = fmt.Sprintf("the token counter answered %d with %s, not a count", rep.Status, contentKind(rep))
			return r
		}
		r.Status = checks.Pass
		r.Summary = fmt.Sprintf("the token counter answers (%d input tokens)", *ans.InputTokens)
		return r
	}
	cl := classify.Classify(rep.Status, rep.Header, rep.Body, nil)
	r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
	r.Evidence.Endpoint = shownURL(u)
	if lacksEndpoint(ctx, s, rep.Status, cl.Cause) {
		r.Status, r.Cause = checks.Fail, "endpoint-unsupported"
		r.Summary = fmt.Sprintf("this server lists its models but has no %s (%d %s): %s calls it and breaks halfway",
			endpointName(r.Evidence.Endpoint), rep.Status, http.StatusText(rep.Status), clientName(s))
		r.Details = append(r.Details, "Claude Code counts tokens before long requests and for /context: the relay must offer POST /v1/messages/count_tokens (Anthropic's own API does; many OpenAI-first relays do not).")
		return r
	}
	// Any other refusal (the key, the model) is the main checks' to name:
	// the counter only tells whether the endpoint exists.
	r.Status = checks.Warn
	r.Summary = statusSummary("the token counter", rep, cl)
	return r
}

// SmallModel checks the model the client uses for background work against
// the free models list. Only when the list cannot tell (no list, or one cut
// short) is a request needed, and that is small-model-request's, billed.
//
// Facts: small-model.listed (yes, no or unknown).
func SmallModel(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: CheckSmallModel, Title: "Your client's background model is available", Facts: map[string]string{}}
	small := backgroundModel(s)
	if small == "" {
		r.Status, r.Summary = checks.Skip, "not needed: your client names no separate background model"
		return r
	}
	r.Evidence.Model = small
	r.Facts[CheckSmallModel+".listed"] = "unknown"
	ids, partial, ok := listFor(ctx, s)
	switch {
	case !ok:
		r.Status = checks.Skip
		r.Summary = "the models list cannot tell whether " + small + " is served here: it takes a request (" + CheckSmallModelRequest + ")"
	case hasModel(ids, small):
		r.Status = checks.Pass
		r.Facts[CheckSmallModel+".listed"] = "yes"
		r.Summary = "the background model " + small + " is on the models list"
	case partial || len(ids) == 0:
		r.Status = checks.Skip
		r.Summary = "the models list was cut short or empty, so it cannot tell whether " + small + " is served: it takes a request (" + CheckSmallModelRequest + ")"
	default:
		r.Status, r.Cause = checks.Fail, "model-not-found"
		r.Facts[CheckSmallModel+".listed"] = "no"
		r.Summary = fmt.Sprintf("the background model %s is not among the %d models here: %s sends its background work to it and fails halfway", small, len(ids), clientName(s))
		if near := NearestModels(small, ids, 3); len(near) > 0 {
			r.Evidence.SuggestedModel = near[0]
			r.Summary += "; did you mean " + near[0] + "?"
		}
		r.Details = append(r.Details, "Set the background model to one the server lists (Claude Code: ANTHROPIC_SMALL_FAST_MODEL or ANTHROPIC_DEFAULT_HAIKU_MODEL).")
	}
	return r
}

// SmallModelRequest sends one minimal request for the background model, to
// the same endpoint as the main request: billed, so it runs only when the
// free models list cannot tell, never with --no-request, and (in the wizard)
// only after the user says yes, like the main request.
//
// Facts: small-model-request.http, small-model-request.stream.
func SmallModelRequest(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: CheckSmallModelRequest, Title: "Your client's background model answers", Facts: map[string]string{}}
	small := backgroundModel(s)
	r.Evidence.Model = small
	if why, unseen := smallModelNotSent(ctx, s); why != "" {
		r.Status, r.Summary, r.Unseen = checks.Skip, why, unseen
		return r
	}
	probeCall(ctx, s, sessionFor(s).client, &r, small, CheckSmallModelRequest)
	if r.Status == checks.Pass {
		r.Summary = "the background model " + small + " answered"
	} else if r.Summary != "" && r.Status == checks.Fail {
		r.Summary = "the background model " + small + ": " + r.Summary
	}
	return r
}

// SmallModelNotSent says why small-model-request would send nothing with
// this setup ("" when it would send): the wizard asks only for a request
// that will really go out.
func SmallModelNotSent(ctx context.Context, s *checks.Setup) string {
	why, _ := smallModelNotSent(ctx, s)
	return why
}

// smallModelNotSent is why the background model's request is not sent, and
// whether that leaves its answer unseen (a request that was not needed
// leaves nothing unseen).
func smallModelNotSent(ctx context.Context, s *checks.Setup) (why string, unseen bool) {
	small := backgroundModel(s)
	if small == "" {
		return "not needed: your client names no separate background model", false
	}
	if ids, partial, ok := listFor(ctx, s); ok && !partial && len(ids) > 0 {
		return "not needed: the models list tells whether " + small + " is served", false
	}
	switch {
	case s.Config.NoRequest:
		return "not sent: --no-request (nothing billable is sent)", true
	case s.Key.Empty():
		return "not sent: there is no key to send", true
	case !hasEndpoint(s):
		return "not sent: there is no usable endpoint URL", true
	}
	return "", false
}

// backgroundModel is the client's background model when it differs from
// the main one ("" when the client names none, or the same).
func backgroundModel(s *checks.Setup) string {
	small := strings.TrimSpace(s.Shape.SmallModel)
	if small == "" || small == s.Model {
		return ""
	}
	return small
}

// listFor is the shared models list: its IDs, whether it was cut short,
// and ok when a 2xx list came back.
func listFor(ctx context.Context, s *checks.Setup) (ids []string, partial, ok bool) {
	if modelsURLOf(s) == "" || s.Key.Empty() {
		return nil, false, false
	}
	f := sessionFor(s).fetchModels(ctx)
	if f.err != nil || f.reply == nil || f.reply.Status < 200 || f.reply.Status > 299 {
		return nil, false, false
	}
	ids, partial, ok = parseModelList(f.reply.Body)
	return ids, partial || f.reply.Truncated, ok
}

// clientName is the client as the user knows it, for summaries.
func clientName(s *checks.Setup) string {
	if s.Client != "" {
		return s.Client
	}
	return "your client"
}

// Billed describes each billable call the checks ids would send for this
// setup, for the consent question: how many requests, to which endpoint,
// for which models. A call the free checks may make unnecessary says so.
func Billed(s *checks.Setup, ids []string) []string {
	var out []string
	for _, id := range ids {
		switch id {
		case checks.CheckRequest:
			if s.Config.NoRequest {
				continue
			}
			model := s.Model
			if model == "" {
				model = "the smallest chat model your models list offers"
			}
			u, err := requestURL(s, orModel(model))
			if err != nil {
				continue
			}
			out = append(out, fmt.Sprintf("1 request to POST %s for %s (%s)", shownURL(u), model, tokensNote(s)))
		case CheckSmallModelRequest:
			small := backgroundModel(s)
			if small == "" || s.Config.NoRequest {
				continue
			}
			u, err := requestURL(s, small)
			if err != nil {
				continue
			}
			out = append(out, fmt.Sprintf("1 request to POST %s for the background model %s (%s), only if the free models list cannot tell", shownURL(u), small, tokensNote(s)))
		}
	}
	return out
}

func orModel(m string) string {
	if strings.Contains(m, " ") {
		return "model"
	}
	return m
}

func tokensNote(s *checks.Setup) string {
	if protocolOf(s) == checks.ProtocolResponses {
		return strconv.Itoa(responsesMinTokens) + " output tokens at most, the Responses API's minimum"
	}
	return "1 output token"
}
