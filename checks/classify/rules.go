package classify

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The rules that turn a parsed error into a cause. They run in a fixed
// order, most specific first: a code that names the problem outranks a
// phrase in the message, and a phrase outranks the bare status. Each rule
// says in its reason which field matched, so a person can check our reading.

// clsFacts is one error as the rules see it: lower-cased fields.
type clsFacts struct {
	status  int
	typ     string
	code    string
	gstatus string
	reasons string
	msg     string // the message, or the page or body text when there is no error object
	param   string
	isError bool
	relay   bool // the answer came through a one-api/new-api/LiteLLM-style relay
	waf     string
	lead    string // how to name the answer in reasons when the status says nothing ("an error event in a 200 stream")
}

func clsNewFacts(status int, h http.Header, b *clsBody) *clsFacts {
	f := &clsFacts{
		status:  status,
		typ:     strings.ToLower(b.errType),
		code:    strings.ToLower(b.code),
		gstatus: strings.ToLower(b.gStatus),
		reasons: strings.ToLower(strings.Join(b.reasons, " ")),
		param:   strings.ToLower(b.param),
		isError: b.isError,
	}
	f.msg = b.message
	if !b.isError {
		f.msg = strings.TrimSpace(b.title + " " + b.text)
	}
	f.msg = strings.ToLower(clsCap(f.msg, clsMaxHay))
	f.relay = b.msgRequestID != "" || h.Get("X-Oneapi-Request-Id") != "" ||
		strings.HasSuffix(f.typ, "one_api_error") || strings.HasSuffix(f.typ, "new_api_error") ||
		(strings.HasSuffix(f.typ, "_api_error") && f.typ != "api_error") ||
		strings.Contains(f.msg, "litellm.")
	f.waf = clsWAFSign(h, b)
	return f
}

// id reports which of code, type, Google status or reason equals one of ids,
// as "code insufficient_quota", or "".
func (f *clsFacts) id(ids ...string) string {
	for _, id := range ids {
		switch {
		case f.code == id:
			return "code " + id
		case f.typ == id:
			return "type " + id
		case f.gstatus == id:
			return "status " + strings.ToUpper(id)
		case f.reasons != "" && strings.Contains(" "+f.reasons+" ", " "+id+" "):
			return "reason " + strings.ToUpper(id)
		}
	}
	return ""
}

// says reports which phrase the message holds, as `"credit balance" in the
// message`, or "".
func (f *clsFacts) says(phrases ...string) string {
	for _, p := range phrases {
		if strings.Contains(f.msg, p) {
			return fmt.Sprintf("%q in the message", p)
		}
	}
	return ""
}

// in reports whether the status is one of sts (0, unknown, always matches).
func (f *clsFacts) in(sts ...int) bool {
	if f.status == 0 {
		return true
	}
	for _, s := range sts {
		if f.status == s {
			return true
		}
	}
	return false
}

// why builds a reason: "429 with code insufficient_quota: money, not speed".
func (f *clsFacts) why(matched, meaning string) string {
	switch {
	case f.lead != "" && matched != "":
		return fmt.Sprintf("%s, %s: %s", f.lead, matched, meaning)
	case f.lead != "":
		return fmt.Sprintf("%s: %s", f.lead, meaning)
	case f.status > 0 && matched != "":
		return fmt.Sprintf("%d with %s: %s", f.status, matched, meaning)
	case f.status > 0:
		return fmt.Sprintf("%d: %s", f.status, meaning)
	case matched != "":
		return matched + ": " + meaning
	}
	return meaning
}

// clsDecide is the whole decision: which cause, and why.
func clsDecide(status int, h http.Header, b *clsBody) (string, string) {
	st := status
	// A 200 carrying an error (OpenRouter after the stream started, some
	// relays always) is judged by the status inside it.
	if (st == 0 || (st >= 200 && st < 300)) && b.isError && b.innerStatus != 0 {
		st = b.innerStatus
	}
	if b.raw != nil {
		if cause, reason := clsDecideRelayed(st, b); cause != "" {
			return cause, reason
		}
	}
	if st >= 200 && st < 400 && !b.isError {
		if b.kind == clsHTML && st < 300 {
			return "base-url-path", fmt.Sprintf("%d with a web page (%s): the URL points at a website, not at the API", st, clsTitleOr(b, "HTML"))
		}
		return "", ""
	}
	f := clsNewFacts(st, h, b)
	if b.kind == clsHTML {
		return clsDecideHTML(f, b)
	}
	if st >= 200 && st < 300 && b.isError && b.innerStatus == 0 {
		// A 200 with an error: only the error's own words count.
		f.status = 0
		f.lead = fmt.Sprintf("an error in the body of a %d", st)
		if b.sse {
			f.lead = fmt.Sprintf("an error event in a %d stream", st)
		}
	}
	if cause, reason := clsByMeaning(f); cause != "" {
		return cause, reason
	}
	if b.sseError {
		return "stream-error", f.why("", "the stream sent an error event this classifier does not know")
	}
	return clsByStatus(f, b)
}

// clsDecideRelayed judges OpenRouter's "Provider returned error" by the
// upstream's own error in metadata.raw.
func clsDecideRelayed(st int, b *clsBody) (string, string) {
	in := b.raw
	ist := in.innerStatus
	if ist == 0 {
		ist = st
	}
	cause, reason := clsDecide(ist, http.Header{}, in)
	if cause == "" {
		return "", ""
	}
	who := "the upstream provider"
	if b.provider != "" {
		who = "the provider " + b.provider
	}
	switch cause {
	case "key-rejected", "key-missing", "key-scope-missing":
		return "upstream-auth-failed", fmt.Sprintf("the router accepted your key, but %s rejected the router's own credentials (%s)", who, reason)
	}
	return cause, fmt.Sprintf("%s, as reported by %s behind the router", reason, who)
}

// clsDecideHTML judges a web page: who sent it matters more than its words.
func clsDecideHTML(f *clsFacts, b *clsBody) (string, string) {
	st := f.status
	if st == 0 {
		st = clsStatusFromTitle(b.title)
		f.status = st
	}
	page := clsTitleOr(b, "an HTML page")
	if m := f.says("plain http request was sent to https port"); m != "" {
		return "base-url-malformed", f.why(m, "the base URL says http:// for a port that speaks https://")
	}
	if f.waf != "" && f.in(401, 403, 406, 429, 451, 503) {
		return "policy-blocked", f.why(f.waf, "a firewall, CDN or company proxy refused the request before it reached the API")
	}
	switch {
	case st == 0 || (st >= 200 && st < 300):
		return "base-url-path", f.why("a web page ("+page+")", "the URL points at a website or single-page app, not at the API")
	case st == 401 || st == 407:
		if st == 407 {
			return "proxy-failure", f.why(page, "the proxy wants its own credentials")
		}
		return "key-rejected", f.why(page, "the web server in front of the API wants credentials it did not get")
	case st == 403:
		return "policy-blocked", f.why(page+" instead of an API error", "the refusal comes from a web server, proxy or firewall, not from the API")
	case st == 404 || st == 405:
		return "base-url-path", f.why(page+" instead of an API error", "nothing answers at this path: check the base URL's path (/v1 or not)")
	case st == 413:
		return "context-too-long", f.why(page, "the web server in front of the API refuses a body this large")
	case st == 429:
		return "rate-limited", f.why(page, "a gateway in front of the API is throttling requests")
	case st == 400:
		return "bad-request", f.why(page, "the web server in front of the API refused the request")
	case st == 500:
		return "upstream-error", f.why(page, "a server error page from the web server in front of the API")
	case st >= 500:
		return "upstream-unavailable", f.why(page, "a proxy or CDN could not reach the API behind it (down, overloaded or timing out)")
	}
	return "", ""
}

var clsTitleStatusRE = regexp.MustCompile(`^\s*(?:error\s*)?([1-5]\d\d)\b`)

// clsStatusFromTitle reads "502 Bad Gateway" from a page title.
func clsStatusFromTitle(title string) int {
	if m := clsTitleStatusRE.FindStringSubmatch(strings.ToLower(title)); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func clsTitleOr(b *clsBody, alt string) string {
	if b.title != "" {
		return fmt.Sprintf("%q", clsCap(b.title, 60))
	}
	return alt
}

// Phrases, lower case. They are fragments, not sentences, on purpose.
var (
	clsQuotaCodes = []string{"insufficient_quota", "insufficient_balance", "insufficient_funds", "insufficient_user_quota",
		"budget_exceeded", "free_managed_limit_reached", "billing_hard_limit_reached", "billing_not_active",
		"payment_required", "credits_exhausted", "quota_exhausted", "pre_consume_token_quota_failed", "arrearage"}
	clsQuotaWords = []string{"credit balance", "insufficient balance", "insufficient_balance", "insufficient credits",
		"insufficient funds", "not enough credits", "exceeded your current quota", "check your plan and billing",
		"requires more credits", "can only afford", "out of credits", "budget has been exceeded", "budget exceeded",
		"exceeded budget", "over budget", "api usage limits", "payment required", "top up", "recharge",
		"额度", "余额", "欠费", "充值"}
	clsRateCodes  = []string{"rate_limit_exceeded", "rate_limit_error", "rate_limit", "ratelimitexceeded", "too_many_requests", "resource_exhausted", "throttlingexception", "throttled"}
	clsRateWords  = []string{"rate limit", "rate_limit", "ratelimit", "too many requests", "requests per min", "tokens per min", "per-minute", "per minute", "throttl", "slow down", "请求过于频繁", "频率", "限流", "concurrency limit", "too many concurrent"}
	clsNoProvider = []string{"no available channel", "无可用渠道", "no endpoints found", "no allowed providers", "no eligible", "no available provider", "no providers available", "no provider available", "all providers", "no deployments available", "no healthy deployments"}
	clsOverloaded = []string{"负载已饱和", "saturated", "overloaded", "at capacity", "over capacity", "high demand", "temporarily unavailable", "service unavailable", "bad gateway", "gateway timeout", "no healthy upstream", "upstream connect error", "upstream request timeout", "try again later"}
	clsContext    = []string{"context_length_exceeded", "maximum context length", "context length", "context window", "prompt is too long", "input is too long", "input too long", "reduce the length of the messages", "too many input tokens", "exceeds the model's maximum", "payload too large", "request entity too large", "上下文长度"}
	clsAccess     = []string{"do not have access to", "does not have access to", "don't have access to", "not allowed to use", "not allowed to access", "not allowed to sample", "not authorized to access", "not authorized to use", "can only access models", "no access to model", "permission to use", "not permitted to use", "无权"}
	clsNotFound   = []string{"model not found", "model_not_found", "not a valid model", "invalid model", "unknown model", "no such model", "is not found for api version", "deployment for this resource does not exist", "模型不存在", "model does not exist"}
	clsBadURL     = []string{"invalid url (", "unknown request url", "unknown_url", "404 page not found", "cannot post /", "cannot get /", "method not allowed", "no route matched", "endpoint not found", "path not found"}
	clsNoKey      = []string{"didn't provide an api key", "did not provide an api key", "no api key provided", "missing api key", "api key is missing", "no auth credentials", "missing authentication", "authorization header is missing", "missing authorization", "x-api-key header is required", "api key is required", "未提供令牌", "missing bearer"}
	clsBadKey     = []string{"token_not_found_in_db", "invalid api key", "incorrect api key", "invalid x-api-key", "api key not valid", "invalid_api_key", "invalid authentication", "invalid token", "token is invalid", "无效的令牌", "令牌已过期", "令牌已被禁用", "令牌状态不可用", "该令牌", "token not found", "invalid proxy server token", "authentication failed", "authentication error", "invalid subscription key", "api key expired", "api key has expired", "key has been revoked", "was revoked", "reported as leaked", "has been suspended", "invalid credentials", "unauthorized", "unauthenticated", "not authenticated"}
	clsKeyCodes   = []string{"invalid_api_key", "authentication_error", "api_key_invalid", "token_not_found_in_db", "invalid_token", "unauthenticated", "invalidapikey", "auth_error", "invalid_key", "unauthorized", "authentication_failed"}
	clsRelayWords = []string{"upstream", "channel", "上游", "渠道", "provider key", "provider api key", "provider returned", "litellm.", "exception -"}
	clsAuthWords  = []string{"api key", "api_key", "apikey", "x-api-key", "auth", "unauthorized", "credential", "401", "403", "forbidden", "key"}
	clsMissing    = []string{"missing required", "field required", "is a required property", "required property", "is required", "must provide", "must be provided", "missing parameter", "missing field", "required parameter", "缺少"}
	clsBadShape   = []string{"extra inputs are not permitted", "unrecognized request argument", "unknown field", "unknown parameter", "unsupported parameter", "additional properties", "additionalproperties", "not permitted", "is not allowed", "are not allowed", "not supported", "invalid type", "invalid value", "input should be", "must be one of", "malformed", "could not parse", "invalid json", "unexpected field", "cannot be empty", "must not be empty"}
	clsServerErr  = []string{"internal server error", "internal error", "server error", "provider returned error", "unexpected error"}
)

// clsOverBudgetRE reads OpenAI's "… (TPM): Limit 10000, Requested 12000".
var clsOverBudgetRE = regexp.MustCompile(`limit:?\s*([\d,]+)\s*,\s*(?:used:?\s*[\d,]+\s*,\s*)?requested:?\s*([\d,]+)`)

// clsOverBudget reports whether one request alone is bigger than the whole
// per-minute (or per-day) budget, and how.
func clsOverBudget(f *clsFacts) string {
	if !f.in(429, 413) {
		return ""
	}
	perWindow := strings.Contains(f.msg, "per min") || strings.Contains(f.msg, "(tpm)") || strings.Contains(f.msg, "(rpm)") ||
		strings.Contains(f.msg, "per day") || strings.Contains(f.msg, "per minute")
	if !perWindow {
		return ""
	}
	if strings.Contains(f.msg, "request too large") {
		if m := clsOverBudgetRE.FindStringSubmatch(f.msg); m != nil {
			return fmt.Sprintf("\"request too large\" (limit %s, requested %s) in the message", m[1], m[2])
		}
		return `"request too large" in the message`
	}
	if strings.Contains(f.msg, "used") {
		return "" // an ordinary rate limit: the window is full, not too small
	}
	if m := clsOverBudgetRE.FindStringSubmatch(f.msg); m != nil {
		lim, _ := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64)
		req, _ := strconv.ParseInt(strings.ReplaceAll(m[2], ",", ""), 10, 64)
		if req > lim && lim > 0 {
			return fmt.Sprintf("limit %s, requested %s in the message", m[1], m[2])
		}
	}
	return ""
}

// clsGoogleRate tells Google's RESOURCE_EXHAUSTED "quota" (a per-minute or
// per-day request budget, i.e. a rate limit) from a money problem.
func clsGoogleRate(f *clsFacts) bool {
	return f.gstatus == "resource_exhausted" || strings.Contains(f.msg, "quota exceeded for metric") ||
		strings.Contains(f.msg, "quota exceeded for quota metric") || strings.Contains(f.msg, "perminute") ||
		strings.Contains(f.msg, "per_minute") || strings.Contains(f.msg, "perday")
}

// clsByMeaning applies the rules that read codes and words.
func clsByMeaning(f *clsFacts) (string, string) {
	// Where you are, not who you are.
	if m := f.id("unsupported_country_region_territory"); m != "" {
		return "region-blocked", f.why(m, "the provider refuses requests from this network location; the key is fine")
	}
	if m := f.says("country, region, or territory", "user location is not supported", "not available in your region",
		"not available in your country", "region is not supported", "unsupported region", "unsupported_country"); m != "" {
		return "region-blocked", f.why(m, "the provider refuses requests from this network location; the key is fine")
	}
	// A restricted key without the scope for this endpoint.
	if m := f.says("missing scopes", "missing scope"); m != "" && f.in(401, 403) {
		return "key-scope-missing", f.why(m, "a restricted key lacks the scope this endpoint needs")
	}
	if m := f.says("insufficient permissions"); m != "" && f.in(401, 403) && !strings.Contains(f.msg, "model") {
		return "key-scope-missing", f.why(m, "the key authenticates but lacks the permission (scope) for this endpoint")
	}
	// One request bigger than the per-minute budget: waiting never helps.
	if m := clsOverBudget(f); m != "" {
		return "request-over-rate-budget", f.why(m, "this one request is bigger than the whole per-minute budget, so waiting never helps")
	}
	// A limit set on this one key, not the account's money.
	if m := f.id("usage_limit_reached", "key_limit_exceeded", "key_quota_exceeded"); m != "" {
		return "key-usage-limit", f.why(m, "this key's own usage limit is reached; the account may still have funds")
	}
	if m := f.says("key limit exceeded", "usage limit reached", "usage limit exceeded", "reached its usage limit", "reached its monthly", "key usage limit", "spend limit"); m != "" &&
		(strings.Contains(f.msg, "key") || f.in(402)) && f.in(402, 403, 429) {
		return "key-usage-limit", f.why(m, "this key's own monthly token or spend limit is reached; the account may still have funds")
	}
	// Money, by code: outranks a rate-limit message that mentions billing.
	if m := f.id(clsQuotaCodes...); m != "" {
		return "insufficient-balance", f.why(m, "money, not speed: the account or key has no credit or budget left")
	}
	if m := f.id(clsRateCodes...); m != "" {
		if clsGoogleRate(f) {
			return "rate-limited", f.why(m, "a per-minute or per-day request quota is used up; it refills by itself (billing raises it)")
		}
		return "rate-limited", f.why(m, "speed, not money: too many requests or tokens in the current window")
	}
	// A router with no provider for this model or capability.
	if m := f.id("all_providers_exhausted", "no_available_channel", "no_eligible_provider"); m != "" {
		return "no-eligible-provider", f.why(m, "the router has no provider left for this model or capability")
	}
	if f.code == "model_not_found" && f.status == 503 {
		return "no-eligible-provider", f.why("code model_not_found", "a relay's 503 for a model it has no channel for: the model exists, no upstream serves it in your group")
	}
	if m := f.says(clsNoProvider...); m != "" && f.status != 401 {
		return "no-eligible-provider", f.why(m, "the router has no provider left for this model or capability")
	}
	// Upstream saturated or overloaded.
	if m := f.says("负载已饱和"); m != "" {
		return "upstream-unavailable", f.why(m, "the relay's upstream channels for this group are saturated (an upstream 429 rewritten by one-api); retry later")
	}
	if m := f.id("overloaded_error", "overloaded", "unavailable", "service_unavailable"); m != "" {
		return "upstream-unavailable", f.why(m, "the provider is overloaded or down; retry with backoff")
	}
	// Money, by words (Google's quota is a rate limit, handled above).
	if m := f.says(clsQuotaWords...); m != "" {
		return "insufficient-balance", f.why(m, "money, not speed: the account or key has no credit or budget left")
	}
	if m := f.says(clsRateWords...); m != "" && (f.status == 0 || f.status == 429 || f.status == 403 || f.status >= 500) {
		return "rate-limited", f.why(m, "speed, not money: too many requests or tokens in the current window")
	}
	if m := f.says("quota"); m != "" && f.in(400, 402, 403, 429) {
		return "insufficient-balance", f.why(m, "a quota word and no speed word: the credit or quota is used up")
	}
	if m := f.says(clsOverloaded...); m != "" && f.in(429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529) {
		return "upstream-unavailable", f.why(m, "the provider or relay chain is down or overloaded; retry with backoff")
	}
	// Too big for the model.
	if m := f.id("context_length_exceeded", "request_too_large", "string_above_max_length", "context_too_long"); m != "" {
		return "context-too-long", f.why(m, "the request is larger than the model's context or the server's size limit")
	}
	if m := f.says(clsContext...); m != "" && f.in(400, 413, 422, 500) {
		return "context-too-long", f.why(m, "the request is larger than the model's context or the server's size limit")
	}
	// The model: refused (403 first), or missing (404 first).
	access := f.id("permission_error", "authorization_error", "permission_denied")
	if access == "" {
		access = f.says(clsAccess...)
	}
	notFound := f.id("model_not_found", "deploymentnotfound", "deployment_not_found", "modelnotfound")
	if notFound == "" {
		notFound = f.says(clsNotFound...)
	}
	if notFound == "" && (f.typ == "not_found_error" || f.gstatus == "not_found" || f.param == "model" || f.status == 404) &&
		strings.Contains(f.msg, "model") && (strings.Contains(f.msg, "not found") || strings.Contains(f.msg, "does not exist") ||
		f.typ == "not_found_error" || strings.HasPrefix(f.msg, "model:")) {
		notFound = f.says("not found", "does not exist", "model")
		if f.typ == "not_found_error" {
			notFound = "type not_found_error about the model"
		}
	}
	if notFound == "" && strings.Contains(f.msg, "does not exist") && (f.param == "model" || strings.Contains(f.msg, "model")) {
		notFound = `"does not exist" in the message`
	}
	// A key refused the model because of leaks or suspension is a key problem.
	if access != "" && f.says("reported as leaked", "has been suspended", "api key not valid") != "" {
		access = ""
	}
	if access != "" && f.in(401, 403) && (f.status != 0 || notFound == "") {
		return "model-access-denied", f.why(access, "the key authenticates but may not use this model; the models list shows what it may use")
	}
	if notFound != "" && f.in(400, 404, 422, 500) {
		return "model-not-found", f.why(notFound, "the model ID is not one this endpoint knows: check case, provider prefix and spelling against the models list")
	}
	if access != "" && f.in(401, 403, 404) {
		return "model-access-denied", f.why(access, "the key authenticates but may not use this model; the models list shows what it may use")
	}
	// The path, not the model.
	if m := f.says(clsBadURL...); m != "" && f.in(400, 404, 405, 501) {
		return "base-url-path", f.why(m, "the server has no such endpoint: the base URL's path is wrong (a missing or doubled /v1, or a full endpoint pasted as base)")
	}
	// A relay whose own key check passed, but whose upstream key failed.
	if f.in(401, 403, 500, 502, 503) {
		if m := f.says(clsRelayWords...); m != "" && f.says(clsAuthWords...) != "" && f.says("无效的令牌", "令牌已过期", "令牌已被禁用") == "" {
			return "upstream-auth-failed", f.why(m, "the relay accepted your key, but its own upstream channel or provider key failed: the relay's owner must fix it")
		}
		// A one-api-style relay calls its own keys tokens (令牌) and words
		// its own refusals itself; a provider's own wording passed through
		// it is about the relay's upstream key.
		if f.relay && f.in(401, 403, 500) && f.says("令牌", "token") == "" {
			if m := f.says("incorrect api key provided", "platform.openai.com/account/api-keys", "invalid x-api-key", "api key not valid", "console.anthropic.com"); m != "" {
				return "upstream-auth-failed", f.why(m+" from a one-api-style relay", "a provider's own key error passed through the relay, which accepted your key: the relay's upstream key failed")
			}
		}
	}
	// A key that is not on a published route (LatentKit): rejected, with a hint.
	if f.status == 401 && strings.Contains(f.msg, "route") {
		return "key-rejected", f.why(f.says("published route", "route"), "the key is not assigned a published route, so the gateway refuses it: assign the key to a route in the console")
	}
	if m := f.says(clsNoKey...); m != "" && f.in(400, 401, 403) {
		return "key-missing", f.why(m, "the server received no key at all: the client sent none, or sent it in a header this server does not read")
	}
	if m := f.id(clsKeyCodes...); m != "" && f.in(400, 401, 403) {
		return "key-rejected", f.why(m, "the server does not accept this key: revoked, regenerated, truncated, or from another platform or environment")
	}
	// One word such as "unauthorized" somewhere in a long pasted text is too
	// little to go on; in an error message or with a status it is enough.
	if m := f.says(clsBadKey...); m != "" && f.in(400, 401, 403) && (f.status != 0 || f.isError || len(f.msg) < 200) {
		return "key-rejected", f.why(m, "the server does not accept this key: revoked, regenerated, truncated, or from another platform or environment")
	}
	if f.status == 401 && f.says("user not found") != "" {
		return "key-rejected", f.why(`"user not found"`, "OpenRouter's answer for a key it does not know")
	}
	// The request's shape.
	if m := f.id("missing_required_parameter", "missing_parameter"); m != "" {
		return "missing-parameter", f.why(m, "a required field is missing from the request")
	}
	if m := f.says(clsMissing...); m != "" && f.in(400, 422) {
		return "missing-parameter", f.why(m, "a required field is missing from the request")
	}
	if m := f.says("plain http request was sent to https port", "http request to an https server", "client sent an http request to an https server"); m != "" {
		return "base-url-malformed", f.why(m, "the base URL says http:// for a port that speaks https://")
	}
	if m := f.says(clsBadShape...); m != "" && f.in(400, 409, 415, 422) && (f.status != 0 || f.isError) {
		return "bad-request", f.why(m, "the server refused a field or the request's shape, not the key")
	}
	// Server-side.
	if m := f.id("api_error", "server_error", "internal_error", "internal", "internal_server_error"); m != "" && f.in(500, 501) {
		return "upstream-error", f.why(m, "a server-side error: keep the request ID, retry a few times, shrink the request")
	}
	if m := f.says(clsServerErr...); m != "" && f.in(500, 501) && (f.status != 0 || f.isError) {
		return "upstream-error", f.why(m, "a server-side error: keep the request ID, retry a few times, shrink the request")
	}
	return "", ""
}

// clsByStatus is the last resort: the status alone, with what it usually
// means and, where it is ambiguous, why we chose.
func clsByStatus(f *clsFacts, b *clsBody) (string, string) {
	st := f.status
	apiBody := b.isError
	switch {
	case st == 400:
		if apiBody {
			return "bad-request", f.why("no more specific code", "the server refused the request's shape or a field")
		}
		return "bad-request", f.why("", "the server refused the request")
	case st == 401:
		return "key-rejected", f.why("", "the server does not accept this key (no more specific code)")
	case st == 402:
		return "insufficient-balance", f.why("", "Payment Required: the account has no credit left")
	case st == 403:
		if f.waf != "" {
			return "policy-blocked", f.why(f.waf, "a firewall, CDN or company proxy refused the request before it reached the API")
		}
		if apiBody {
			return "model-access-denied", f.why("an API error body", "the key is known but refused this model or endpoint")
		}
		if b.kind == clsText && !b.pasted {
			return "policy-blocked", f.why("no API error body", "the refusal does not look like the API's own: a gateway or proxy policy")
		}
		return "model-access-denied", f.why("", "usually the key may not use this model or endpoint (a proxy or firewall can also answer 403)")
	case st == 404:
		if apiBody {
			return "base-url-path", f.why("an error that names no model", "the path does not exist on this server: check the base URL's path")
		}
		return "base-url-path", f.why("", "nothing answers at this path: check the base URL's path (/v1 or not, or a pasted full endpoint)")
	case st == 405:
		return "base-url-path", f.why("", "this path does not take this method: the base URL points at the wrong endpoint")
	case st == 407:
		return "proxy-failure", f.why("", "the proxy wants credentials")
	case st == 408:
		return "timeout", f.why("", "the server gave up waiting for the request")
	case st == 413:
		return "context-too-long", f.why("", "the request body is larger than the server accepts")
	case st == 415 || st == 422:
		return "bad-request", f.why("", "the server refused the request's shape")
	case st == 429:
		return "rate-limited", f.why("", "too many requests; no quota word, so speed, not money")
	case st == 451:
		return "region-blocked", f.why("", "unavailable for legal reasons where you are")
	case st == 500 || st == 501:
		return "upstream-error", f.why("", "a server-side error: keep the request ID, retry a few times, shrink the request")
	case st == 502 || st == 503 || st == 504 || (st >= 520 && st <= 530) || st == 598 || st == 599:
		return "upstream-unavailable", f.why("", "the provider or relay chain is down, overloaded or timing out")
	case st > 500 && st < 600:
		return "upstream-error", f.why("", "a server-side error")
	}
	return "", ""
}
