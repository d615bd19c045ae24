package content

import "github.com/unstuck-dev/unstuck/checks"

// PageData is what a guidance page's placeholders can use. Every field may be
// empty: pages read well without evidence (explain with a bare status code).
type PageData struct {
	Provider, ProviderTitle, Protocol string
	BaseURL, Endpoint                 string
	Model, SuggestedModel             string
	Models                            []string
	Key, KeyEnv, KeySource            string // Key is a fingerprint, never the key
	Status                            int
	ErrorType, ErrorCode              string
	ErrorMessage, RequestID, ServedBy string
	RateLimit                         *checks.RateLimit
	TTFBMs, TotalMs                   int64
	Proxy, EnvFile                    string
	Console, StatusPage               string
	FailedLayer                       string
	Summary                           string // the finding that proved the cause
	// Unconfirmed: the verdict rests on evidence not gathered (the request
	// was not sent): a page must not claim it was.
	Unconfirmed bool
}

// NewPageData fills a page's placeholders from the evidence, the resolved
// setup (may be nil) and the one-line finding that proved the cause.
func NewPageData(ev checks.Evidence, s *checks.Setup, summary string) PageData {
	d := PageData{
		Provider: ev.Provider, Protocol: ev.Protocol,
		BaseURL: ev.BaseURL, Endpoint: ev.Endpoint,
		Model: ev.Model, SuggestedModel: ev.SuggestedModel, Models: ev.Models,
		Key: ev.Key, KeySource: ev.KeySource,
		Status: ev.Status, ErrorType: ev.ErrorType, ErrorCode: ev.ErrorCode,
		ErrorMessage: ev.ErrorMessage, RequestID: ev.RequestID, ServedBy: ev.ServedBy,
		RateLimit: ev.RateLimit, TTFBMs: ev.TTFBMs, TotalMs: ev.TotalMs,
		Proxy: ev.Proxy, FailedLayer: ev.FailedLayer, Summary: summary,
	}
	if s != nil {
		d.KeyEnv = s.KeyEnv
		d.EnvFile = s.EnvFilePath
		d.ProviderTitle = s.Profile.Title
		d.Console = s.Profile.Console
		d.StatusPage = s.Profile.StatusPage
		if d.Provider == "" {
			d.Provider = s.Profile.Name
		}
		if d.Protocol == "" {
			d.Protocol = s.Protocol
		}
	}
	return d
}

// For reports whether the page is shown to a user of one of these
// providers (profile names). A page writes a provider's own lines inside
// {{if .For "name"}} … {{end}}, so that they show only to that provider's
// users, never to everyone (and not when the provider is unknown: a paste
// read by explain).
func (d PageData) For(names ...string) bool {
	for _, n := range names {
		if n != "" && d.Provider == n {
			return true
		}
	}
	return false
}
