package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
)

// AccountSpec: the free account check reads an account or key endpoint
// (the profile's account_url) and tells money from speed before anything
// billable is sent. A refusal is read by the classifier, so it may name
// any cause (a 401 is key-rejected).
var AccountSpec = checks.Spec{ID: checks.CheckAccount, AnyCause: true, Facts: []string{"account.http", "account.credit"}}

// Account shapes: how a profile's account_url answers (profiles.yaml,
// account_shape). They name formats, not providers.
const (
	// ShapeOpenRouterKey: {"data":{"limit","limit_remaining","usage",
	// "is_free_tier",…}} (GET {base}/key).
	ShapeOpenRouterKey = "openrouter-key"
	// ShapeDeepSeekBalance: {"is_available","balance_infos":[{"currency",
	// "total_balance","granted_balance","topped_up_balance"}]}
	// (GET /user/balance).
	ShapeDeepSeekBalance = "deepseek-balance"
)

// AccountShapes lists the shapes this check reads, for profile validation.
var AccountShapes = []string{ShapeOpenRouterKey, ShapeDeepSeekBalance}

// Account asks the profile's free account endpoint what is left: the key's
// own credit limit and whether the account ever bought credits (OpenRouter),
// or whether the balance covers API calls (DeepSeek). It sends nothing
// billable, so it runs under --no-request too.
//
// Facts: account.http (the status, when the server answered) and
// account.credit (left, none, key-limit or unknown).
func Account(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: checks.CheckAccount, Title: "The account has credit left", Facts: map[string]string{"account.credit": "unknown"}}
	r.Evidence.Model = s.Model
	switch {
	case s.Profile.AccountURL == "":
		r.Status, r.Summary = checks.Skip, "not asked: "+systemName(s)+" has no free account endpoint"
		return r
	case s.Key.Empty():
		r.Status, r.Summary = checks.Skip, "not asked: there is no key to send"
		return r
	}
	target, ok := AccountURL(s.BaseURL, s.Profile.AccountURL)
	if !ok {
		r.Status, r.Summary = checks.Skip, "not asked: the base URL does not parse"
		return r
	}
	rep, err := sessionFor(s).client.Do(ctx, Call{URL: target})
	if err != nil {
		// The ladder and the models list name a network failure; here it
		// only means the balance is unknown.
		r.Status = checks.Warn
		r.Summary = "the account endpoint could not be asked: " + classify.Transport(err).Reason
		return r
	}
	replyEvidence(&r, s, rep)
	r.Facts["account.http"] = strconv.Itoa(rep.Status)
	switch st := rep.Status; {
	case st >= 200 && st < 300:
	case st == http.StatusNotFound || st == http.StatusMethodNotAllowed:
		r.Status = checks.Warn
		r.Summary = fmt.Sprintf("no account endpoint at this base URL (%d %s): the balance is unknown", st, http.StatusText(st))
		return r
	default:
		cl := classify.Classify(st, rep.Header, rep.Body, nil)
		r.Evidence = checks.MergeEvidence(r.Evidence, cl.Evidence)
		r.Status, r.Cause = checks.Fail, cl.Cause
		r.Summary = statusSummary("the account endpoint", rep, cl)
		return r
	}
	switch s.Profile.AccountShape {
	case ShapeOpenRouterKey:
		readKeyCredits(&r, s, rep.Body)
	case ShapeDeepSeekBalance:
		readBalance(&r, rep.Body)
	default:
		r.Status = checks.Warn
		r.Summary = fmt.Sprintf("the account endpoint answered, but its shape %q is not one unstuck reads", s.Profile.AccountShape)
	}
	return r
}

// AccountURL joins the profile's account_url to the base URL: a path that
// starts with "/" is taken from the host's root, any other is added to the
// base URL's path. The base URL's query is dropped.
func AccountURL(base, rel string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", false
	}
	out := url.URL{Scheme: u.Scheme, Host: u.Host, User: u.User}
	if strings.HasPrefix(rel, "/") {
		out.Path = rel
	} else {
		out.Path = strings.TrimSuffix(u.Path, "/") + "/" + rel
	}
	return out.String(), true
}

// readKeyCredits reads OpenRouter's GET /key. Source of the shape:
// https://openrouter.ai/docs/api/api-reference/api-keys/get-current-key
func readKeyCredits(r *checks.Result, s *checks.Setup, body []byte) {
	var doc struct {
		Data *struct {
			Limit          *float64 `json:"limit"`
			LimitRemaining *float64 `json:"limit_remaining"`
			LimitReset     string   `json:"limit_reset"`
			Usage          *float64 `json:"usage"`
			IsFreeTier     *bool    `json:"is_free_tier"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Data == nil {
		r.Status = checks.Warn
		r.Summary = "the key endpoint answered, but not with the key's details"
		return
	}
	d := doc.Data
	if d.Usage != nil {
		r.Details = append(r.Details, "this key has used "+money(*d.Usage)+" so far")
	}
	if d.Limit != nil && d.LimitRemaining != nil && *d.LimitRemaining <= 0 {
		r.Status, r.Cause = checks.Fail, "key-usage-limit"
		r.Facts["account.credit"] = "key-limit"
		r.Summary = "this key's own credit limit of " + money(*d.Limit) + " is spent (" + money(*d.LimitRemaining) + " left)"
		if d.LimitReset != "" {
			r.Summary += "; it resets " + clip(d.LimitReset, 20)
		}
		r.Details = append(r.Details, "The account may still have credit: raise the key's limit, or use another key (Settings → Keys).")
		return
	}
	freeModel := strings.HasSuffix(s.Model, ":free")
	if d.IsFreeTier != nil && *d.IsFreeTier && s.Model != "" && !freeModel {
		r.Status, r.Cause = checks.Fail, "insufficient-balance"
		r.Facts["account.credit"] = "none"
		r.Summary = "this account has never bought credits (free tier), so a paid model such as " + clip(s.Model, 80) + " is refused with 402"
		r.Details = append(r.Details, "Buy credits, or call a free variant (a model ID ending in :free), which has its own daily request limit.")
		return
	}
	r.Status = checks.Pass
	r.Facts["account.credit"] = "left"
	switch {
	case d.Limit != nil && d.LimitRemaining != nil:
		r.Summary = "this key has " + money(*d.LimitRemaining) + " left of its " + money(*d.Limit) + " limit"
	case d.IsFreeTier != nil && *d.IsFreeTier:
		r.Summary = "the key works on the free tier: free models only, with daily request limits"
	default:
		r.Summary = "the key has no credit limit of its own; it spends the account's credit"
	}
	if d.IsFreeTier != nil && *d.IsFreeTier && freeModel {
		r.Details = append(r.Details, "free-tier accounts get a small daily number of :free requests; buying credits raises it")
	}
}

// readBalance reads DeepSeek's GET /user/balance. Source of the shape:
// https://api-docs.deepseek.com/api/get-user-balance
func readBalance(r *checks.Result, body []byte) {
	var doc struct {
		IsAvailable  *bool `json:"is_available"`
		BalanceInfos []struct {
			Currency        string `json:"currency"`
			TotalBalance    string `json:"total_balance"`
			GrantedBalance  string `json:"granted_balance"`
			ToppedUpBalance string `json:"topped_up_balance"`
		} `json:"balance_infos"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.IsAvailable == nil {
		r.Status = checks.Warn
		r.Summary = "the balance endpoint answered, but not with a balance"
		return
	}
	var parts []string
	for i, b := range doc.BalanceInfos {
		if i == 4 {
			break
		}
		p := clip(b.TotalBalance, 20) + " " + clip(b.Currency, 8)
		if b.GrantedBalance != "" || b.ToppedUpBalance != "" {
			p += " (" + clip(b.GrantedBalance, 20) + " granted, " + clip(b.ToppedUpBalance, 20) + " topped up)"
		}
		parts = append(parts, p)
	}
	balance := strings.Join(parts, ", ")
	if !*doc.IsAvailable {
		r.Status, r.Cause = checks.Fail, "insufficient-balance"
		r.Facts["account.credit"] = "none"
		r.Summary = "the account's balance does not cover API calls"
		if balance != "" {
			r.Summary += " (balance " + balance + ")"
		}
		r.Summary += ": requests are refused with 402 Insufficient Balance"
		return
	}
	r.Status = checks.Pass
	r.Facts["account.credit"] = "left"
	r.Summary = "the account has credit for API calls"
	if balance != "" {
		r.Summary += ": " + balance
	}
}

// money shows a credit amount in dollars, as OpenRouter counts them.
func money(v float64) string {
	return "$" + strconv.FormatFloat(v, 'f', 2, 64)
}
