package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

// defaultSlowAfter is when an answer counts as slow (slow-response). Tests lower
// it through hooks rather than sleeping.
var defaultSlowAfter = 10 * time.Second

// Request sends one minimal streamed request in the user's protocol — the
// smallest billable call there is (max_tokens 1) — and reads the stream to
// its end. It is sent at most once per Setup and never retried; with
// --no-request it is not sent at all.
//
// Facts: request.http (the status code, when the server answered),
// request.stream (done, error, incomplete, stalled), request.slow and
// request.wrong_provider (yes, when seen).
func Request(ctx context.Context, s *checks.Setup) checks.Result {
	ns := sessionFor(s)
	ns.requestOnce.Do(func() { ns.request = sendRequest(ctx, s, ns.client) })
	return ns.request
}

func sendRequest(ctx context.Context, s *checks.Setup, c *Client) checks.Result {
	r := checks.Result{ID: checks.CheckRequest, Title: "A minimal request gets an answer", Facts: map[string]string{}}
	r.Evidence.Model = s.Model
	model, why := requestModel(ctx, s)
	if why != "" {
		// Not sent: what it would have found is unseen, and a verdict that
		// rests on it is not confirmed.
		r.Status, r.Summary, r.Unseen = checks.Skip, why, true
		return r
	}
	if model != s.Model {
		// No model given: the smallest chat model the key's own models
		// list offers, so the probe still proves key, URL and stream. Say
		// so: the user's app asks for its own model.
		r.Evidence.Model = model
		r.Facts["request.model_guessed"] = "yes"
		r.Details = append(r.Details, "no model was given, so the probe used "+model+" from your models list")
	}
	probeCall(ctx, s, c, &r, model, "request")
	return r
}

// probeCall sends the minimal request for model to the endpoint the client
// calls and fills r from the answer; fact is the prefix of the facts it
// sets (request.http, …).
func probeCall(ctx context.Context, s *checks.Setup, c *Client, r *checks.Result, model, fact string) {
	endpoint, err := requestURL(s, model)
	if err != nil {
		r.Status, r.Summary = checks.Skip, "not sent: there is no usable endpoint URL"
		return
	}
	r.Evidence.Endpoint = shownURL(endpoint)
	r.Evidence.Protocol = protocolOf(s)
	accept := "text/event-stream"
	if !streams(s) {
		accept = "application/json"
	}
	rep, err := c.Open(ctx, Call{Method: "POST", URL: endpoint, Body: requestBodyFor(s, model), Accept: accept})
	if err != nil {
		transportFail(r, rep, err, "the request got no answer")
		if rep != nil {
			r.Evidence.TotalMs = millis(rep.Timing.Total)
		}
		return
	}
	defer rep.Close()
	replyEvidence(r, s, rep)
	r.Facts[fact+".http"] = strconv.Itoa(rep.Status)
	r.Evidence.TTFBMs = millis(rep.Timing.TTFB)

	if rep.Status < 200 || rep.Status > 299 {
		body, _ := io.ReadAll(rep)
		rep.Body = body
		r.Evidence.Truncated = rep.Truncated
		r.Evidence.TotalMs = millis(time.Since(rep.call.start))
		refused(ctx, r, s, rep)
		return
	}

	var st stream
	if looksLikeSSE(rep) {
		st = readStream(rep)
	} else {
		st = readWhole(rep)
	}
	r.Evidence.TotalMs = millis(time.Since(rep.call.start))
	r.Evidence.Truncated = r.Evidence.Truncated || rep.Truncated
	judgeStream(r, s, c, rep, st, model, fact)
}

// streams reports whether the probe asks for a stream: always for chat
// completions and messages (the stream is what breaks); for the Responses
// API and Gemini only when the client streams (Codex does).
func streams(s *checks.Setup) bool {
	switch protocolOf(s) {
	case checks.ProtocolResponses, checks.ProtocolGemini:
		return s.Shape.Stream
	}
	return true
}

// hasEndpoint reports whether the client's endpoint URL can be built (a
// Gemini URL needs the model: any stands in).
func hasEndpoint(s *checks.Setup) bool {
	_, err := requestURL(s, "any-model")
	return err == nil
}

// modelFromRoute: gateways where the route, not the request, picks the
// model (the profile's model_from_route; LatentKit's SDK even refuses a
// model field).
func modelFromRoute(s *checks.Setup) bool { return s.Profile.ModelFromRoute }

// NotSent says why the request would not be sent with this setup ("" when
// it would): the wizard asks for consent only for a request that will
// really go out. Without a model it reads the models list (free; fetched
// once per setup) for one to borrow.
func NotSent(ctx context.Context, s *checks.Setup) string {
	_, why := requestModel(ctx, s)
	return why
}

// requestModel is the model the request is sent for, or why it is not
// sent at all.
func requestModel(ctx context.Context, s *checks.Setup) (model, notSent string) {
	switch {
	case s.Config.NoRequest:
		return "", "not sent: --no-request (nothing billable is sent)"
	case !hasEndpoint(s):
		return "", "not sent: there is no usable endpoint URL"
	case s.Key.Empty() && !s.Profile.Local:
		return "", "not sent: there is no key to send"
	}
	if s.Model != "" || modelFromRoute(s) {
		return s.Model, ""
	}
	if m := probeModel(sessionFor(s).listedIDs(ctx)); m != "" {
		return m, ""
	}
	return "", "not sent: no model given (use --model" + modelEnvHint(s) + ")"
}

func modelEnvHint(s *checks.Setup) string {
	if len(s.Profile.ModelEnvs) == 0 {
		return ""
	}
	return " or set " + strings.Join(s.Profile.ModelEnvs, " / ")
}

// requestBodyFor is the smallest request each protocol accepts: one short
// user message and the fewest output tokens it allows: 1, except the
// Responses API, which refuses max_output_tokens below 16.
func requestBodyFor(s *checks.Setup, model string) []byte {
	type msg struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	var body any
	switch protocolOf(s) {
	case checks.ProtocolResponses:
		body = struct {
			Model           string `json:"model,omitempty"`
			Input           string `json:"input"`
			MaxOutputTokens int    `json:"max_output_tokens"`
			Store           bool   `json:"store"`
			Stream          bool   `json:"stream,omitempty"`
		}{model, "Say OK", responsesMinTokens, false, s.Shape.Stream}
	case checks.ProtocolGemini:
		type part struct {
			Text string `json:"text"`
		}
		type content struct {
			Role  string `json:"role"`
			Parts []part `json:"parts"`
		}
		body = struct {
			Contents         []content      `json:"contents"`
			GenerationConfig map[string]int `json:"generationConfig"`
		}{[]content{{"user", []part{{"Say OK"}}}}, map[string]int{"maxOutputTokens": 1}}
	default:
		body = struct {
			Model     string `json:"model,omitempty"`
			MaxTokens int    `json:"max_tokens"`
			Messages  []msg  `json:"messages"`
			Stream    bool   `json:"stream"`
		}{model, 1, []msg{{"user", "Say OK"}}, true}
	}
	b, _ := json.Marshal(body)
	return b
}

// responsesMinTokens is the smallest max_output_tokens the Responses API
// takes ("integer_below_min_value" below it).
const responsesMinTokens = 16

// refused fills the result for a non-2xx answer.
func refused(ctx context.Context, r *checks.Result, s *checks.Setup, rep *Reply) {
	cl := classify.Classify(rep.Status, rep.Header, rep.Body, nil)
	r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
	r.Status = checks.Fail
	r.Cause = cl.Cause
	r.Summary = statusSummary("the request", rep, cl)
	if lacksEndpoint(ctx, s, rep.Status, cl.Cause) {
		// The models list answers at this very base, so the base URL is
		// right: the server lacks the one endpoint the client calls.
		r.Cause = "endpoint-unsupported"
		r.Summary = fmt.Sprintf("the server answers its models list at this base URL but not %s (%d %s)",
			endpointName(r.Evidence.Endpoint), rep.Status, http.StatusText(rep.Status))
		r.Details = append(r.Details, endpointAdvice(s))
	}
	if protocolOf(s) == checks.ProtocolOpenAI && maxTokensQuirk(rep.Body) {
		// Newer OpenAI models refuse max_tokens and want
		// max_completion_tokens. That is this probe's choice of field, not
		// the user's mistake, so it is explained and not retried.
		r.Status = checks.Warn
		r.Cause = ""
		r.Facts["request.quirk"] = "max_completion_tokens"
		r.Summary = "the server accepted the key and the model but refuses max_tokens for this model (it takes max_completion_tokens)"
		r.Details = append(r.Details,
			"This probe sends max_tokens; newer OpenAI models need max_completion_tokens instead. Your own client must send max_completion_tokens too.",
			"The request was not retried: it is sent once at most.")
	}
}

func maxTokensQuirk(body []byte) bool {
	b := strings.ToLower(string(body))
	return strings.Contains(b, "max_tokens") && strings.Contains(b, "max_completion_tokens")
}

// judgeStream turns what the stream showed into the result.
func judgeStream(r *checks.Result, s *checks.Setup, c *Client, rep *Reply, st stream, model, fact string) {
	var te *checks.TimeoutError
	switch {
	case st.errData != nil:
		// Handed over as the error event it was, so the classifier knows
		// the answer had begun: a server failure then is a broken stream.
		event := append(append([]byte("event: error\ndata: "), st.errData...), "\n\n"...)
		cl := classify.Classify(rep.Status, rep.Header, event, nil)
		r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
		r.Evidence.Status = rep.Status
		r.Status = checks.Fail
		r.Cause = cl.Cause
		if r.Cause == "" {
			r.Cause = "stream-error"
		}
		r.Facts[fact+".stream"] = "error"
		msg := cl.Reason
		if msg == "" {
			msg = clip(cl.Evidence.ErrorMessage, 200)
		}
		r.Summary = "the server answered 200, then sent an error in the stream"
		if msg != "" {
			r.Summary += ": " + msg
		}
		return
	case st.kind != "":
		cl := classify.Classify(rep.Status, rep.Header, rep.Body, nil)
		r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
		r.Status = checks.Fail
		r.Cause = cl.Cause
		r.Summary = fmt.Sprintf("the endpoint answered %d with %s instead of a model's answer", rep.Status, st.kind)
		if cl.Reason != "" {
			r.Details = append(r.Details, cl.Reason)
		}
		return
	case errors.As(st.readErr, &te):
		r.Status, r.Cause = checks.Fail, "stream-error"
		r.Facts[fact+".stream"] = "stalled"
		r.Summary = fmt.Sprintf("the stream started but did not finish: nothing ended it within %s (%d events received)", te.After, st.events)
		return
	case errors.Is(st.readErr, errTruncated):
		r.Status, r.Cause = checks.Fail, "stream-error"
		r.Facts[fact+".stream"] = "incomplete"
		r.Summary = "the stream ran past 1 MiB without ending, for a one-token answer"
		return
	case st.readErr != nil:
		r.Status, r.Cause = checks.Fail, "stream-error"
		r.Facts[fact+".stream"] = "incomplete"
		r.Summary = "the stream broke off: " + classify.Transport(st.readErr).Reason
		return
	case !st.done && st.finished:
		r.Status, r.Cause = checks.Warn, "stream-error"
		r.Facts[fact+".stream"] = "incomplete"
		r.Summary = "the answer finished, but the stream ended without its end marker (" + endMarker(s) + ")"
		r.Details = append(r.Details, "Most SDKs tolerate this; strict stream parsers report a broken stream.")
		return
	case !st.done:
		r.Status, r.Cause = checks.Fail, "stream-error"
		r.Facts[fact+".stream"] = "incomplete"
		if st.events == 0 {
			r.Summary = "the server answered 200 with an empty stream"
		} else {
			r.Summary = fmt.Sprintf("the stream ended after %d events without finishing (no %s)", st.events, endMarker(s))
		}
		return
	}

	if st.filtered != "" {
		// Gemini blocks with a 200: finishReason SAFETY, or the prompt's
		// blockReason. The key, URL and model answered.
		r.Facts[fact+".stream"] = "done"
		r.Status, r.Cause = checks.Fail, "content-filtered"
		r.Summary = "the model answered, but its safety filter blocked the answer (" + st.filtered + ")"
		return
	}
	r.Facts[fact+".stream"] = "done"
	r.Status = checks.Pass
	r.Summary = "the model answered"
	if st.incomplete != "" {
		r.Details = append(r.Details, "The answer stopped at the probe's own limit ("+st.incomplete+"): that is expected for a minimal request.")
	}
	if st.whole && streams(s) {
		r.Details = append(r.Details, "The server ignored stream:true and answered in one piece.")
	}
	served := servedBy(s, rep, st)
	r.Evidence.ServedBy = served
	if served != "" {
		r.Summary += " (served by " + served + ")"
	}
	if st.model != "" && st.model != model {
		r.Details = append(r.Details, "the answer names the model "+st.model)
	}

	slow := c.slowAfter
	elapsed := time.Duration(r.Evidence.TotalMs) * time.Millisecond
	isSlow := slow > 0 && (elapsed >= slow || rep.Timing.TTFB >= slow)
	if isSlow {
		r.Facts[fact+".slow"] = "yes"
	}
	if who := wrongProvider(model, served, st.model); who != "" {
		r.Facts[fact+".wrong_provider"] = "yes"
		r.Status, r.Cause = checks.Warn, "wrong-provider"
		r.Summary = fmt.Sprintf("the model answered, but %s served it although you asked for %s", who, model)
		if isSlow {
			r.Details = append(r.Details, fmt.Sprintf("It was also slow: %d ms in total.", r.Evidence.TotalMs))
		}
		return
	}
	if isSlow {
		r.Status, r.Cause = checks.Warn, "slow-response"
		r.Summary = fmt.Sprintf("the model answered, but slowly: first byte after %d ms, %d ms in total for one token", r.Evidence.TTFBMs, r.Evidence.TotalMs)
	}
}

// servedBy is the provider that served the request: the router's header
// (X-Inferoute-Provider, the profile's provider header) or the provider the
// answer itself names (OpenRouter).
func servedBy(s *checks.Setup, rep *Reply, st stream) string {
	for _, h := range []string{s.Profile.ProviderHeader, "X-Inferoute-Provider", "X-Provider", "X-LiteLLM-Model-Provider"} {
		if h == "" {
			continue
		}
		if v := clip(rep.Header.Get(h), 100); v != "" {
			return v
		}
	}
	return st.provider
}

// wrongProvider returns who served the request when the user asked for a
// provider-prefixed model ("openai/gpt-4o") and another provider served it.
// Without a prefix the user chose no provider, so no provider is wrong.
func wrongProvider(asked, served, answeredModel string) string {
	want, _, ok := strings.Cut(asked, "/")
	if !ok || want == "" {
		return ""
	}
	if served != "" && !sameProvider(want, served) {
		return served
	}
	if p, _, ok := strings.Cut(answeredModel, "/"); ok && p != "" && !sameProvider(want, p) {
		return p
	}
	return ""
}

// sameProvider compares names loosely: "openai" matches "OpenAI" and
// "openai-us"; "azure" does not match "openai".
func sameProvider(a, b string) bool {
	na, nb := mmNorm(a), mmNorm(b)
	if na == "" || nb == "" {
		return true
	}
	return na == nb || strings.HasPrefix(nb, na) || strings.HasPrefix(na, nb)
}

// millis rounds up, so that a measured time is never shown as 0.
func millis(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64((d + time.Millisecond - 1) / time.Millisecond)
}

// listedIDs is the models list's IDs (fetched once per Setup, shared with
// the models check), or nil when there is none.
func (ns *session) listedIDs(ctx context.Context) []string {
	f := ns.fetchModels(ctx)
	if f.err != nil || f.reply == nil || f.reply.Status < 200 || f.reply.Status > 299 {
		return nil
	}
	ids, _, _ := parseModelList(f.reply.Body)
	return ids
}

// probeModel picks the model a probe costs least with: a small chat model
// (mini, nano, haiku, flash, small) when the list has one, else the first
// chat model. Embedding, audio, image and moderation models cannot answer a
// chat request at all.
func probeModel(ids []string) string {
	notChat := []string{"embed", "tts", "whisper", "dall-e", "image", "moderation", "audio", "realtime", "transcribe", "search", "rerank", "vision-preview", "davinci", "babbage"}
	small := []string{"mini", "nano", "haiku", "flash", "small", "lite"}
	first := ""
	for _, id := range ids {
		low := strings.ToLower(id)
		if containsAny(low, notChat) {
			continue
		}
		if first == "" {
			first = id
		}
		if containsAny(low, small) {
			return id
		}
	}
	return first
}

// containsAny reports whether s contains any of the words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// lacksEndpoint reports whether a refusal is a missing endpoint rather than
// a wrong base URL: the endpoint answered 404, 405 or 501 without naming the
// model, while the models list, at the same base with the same key,
// answered with a list.
func lacksEndpoint(ctx context.Context, s *checks.Setup, status int, cause string) bool {
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
	default:
		return false
	}
	switch cause {
	case "", "base-url-path", "endpoint-unsupported":
	default:
		return false
	}
	if modelsURLOf(s) == "" {
		return false
	}
	f := sessionFor(s).fetchModels(ctx)
	if f.err != nil || f.reply == nil || f.reply.Status < 200 || f.reply.Status > 299 {
		return false
	}
	_, _, ok := parseModelList(f.reply.Body)
	return ok
}

// endpointName is the path of an endpoint for a summary: "/v1/responses".
func endpointName(shown string) string {
	u, err := url.Parse(shown)
	if err != nil || u.Path == "" {
		return "the endpoint your client calls"
	}
	return u.Path
}

// endpointAdvice says what to do about a missing endpoint, by protocol.
func endpointAdvice(s *checks.Setup) string {
	switch protocolOf(s) {
	case checks.ProtocolResponses:
		return "Clients of the Responses API (Codex, the AI SDK's openai()) need POST /responses: use a server or relay that offers it, or a client mode that calls /chat/completions."
	case checks.ProtocolAnthropic:
		return "Anthropic-style clients (Claude Code, the Anthropic SDKs) need POST /v1/messages: this server may speak only the OpenAI protocol; use its OpenAI-style endpoint or a relay with the messages API."
	case checks.ProtocolGemini:
		return "Gemini's native clients need POST /models/{model}:generateContent: this server may offer only the OpenAI-compatible endpoint."
	}
	return "Use an endpoint this server offers, or a server that offers this one."
}
