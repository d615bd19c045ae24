package checks

import (
	"context"
	"fmt"
	"reflect"
	"runtime/debug"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Runner runs checks for one configuration, each at most once, concurrently
// where asked, and keeps their results. The TUI runs checks node by node;
// diagnose runs them all up front; both read the same facts.
type Runner struct {
	suite    Suite
	mu       sync.Mutex
	setup    *Setup
	results  map[string]Result
	inflight map[string]chan struct{} // keyed by the group's first ID
}

// NewRunner resolves the configuration with the suite's resolver. Nothing
// runs until asked.
func NewRunner(cfg Config, suite Suite) *Runner {
	return &Runner{suite: suite, setup: suite.Resolve(cfg), results: map[string]Result{}, inflight: map[string]chan struct{}{}}
}

// Setup is the resolved configuration.
func (r *Runner) Setup() *Setup {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.setup
}

// Reconfigure applies a change (a base URL or model typed in the wizard) and
// forgets the results that depended on the old configuration.
func (r *Runner) Reconfigure(change func(*Config)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cfg := r.setup.Config
	change(&cfg)
	r.setup = r.suite.Resolve(cfg)
	r.results = map[string]Result{}
}

// Result returns a check's result if it has run.
func (r *Runner) Result(id string) (Result, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.results[id]
	return res, ok
}

// Run runs one check (its whole group, for the ladder) unless it already ran,
// and returns its result. Concurrent calls for the same group share one run.
// A check that panics yields a failed result instead of taking the process
// down; a check that ignores its context is cut off at its hard bound.
func (r *Runner) Run(ctx context.Context, id string) Result {
	g, ok := r.suite.group(id)
	if !ok {
		return Result{ID: id, Title: id, Status: Skip, Summary: "unknown check " + strconv.Quote(id)}
	}
	for {
		r.mu.Lock()
		if res, done := r.results[id]; done {
			r.mu.Unlock()
			return res
		}
		if wait, busy := r.inflight[g.Checks[0].ID]; busy {
			r.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return cancelled(id, ctx.Err())
			}
		}
		done := make(chan struct{})
		r.inflight[g.Checks[0].ID] = done
		s := r.setup
		r.mu.Unlock()

		results := runGroup(ctx, g, s)

		r.mu.Lock()
		// Keep results only for the configuration they ran against, and not
		// when the caller gave up: a cancelled check proves nothing and must
		// run again next time it is asked for.
		if r.setup == s && ctx.Err() == nil {
			for _, res := range results {
				r.results[res.ID] = res
			}
		}
		delete(r.inflight, g.Checks[0].ID)
		close(done)
		r.mu.Unlock()
		for _, res := range results {
			if res.ID == id {
				return res
			}
		}
		return Result{ID: id, Title: id, Status: Skip, Summary: "the check gave no result", Unseen: true}
	}
}

// RunAll runs the checks concurrently and returns their results in order.
func (r *Runner) RunAll(ctx context.Context, ids []string) []Result {
	out := make([]Result, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = r.Run(ctx, id)
		}()
	}
	wg.Wait()
	return out
}

// hardBound is how long a group may run in all, past which the runner stops
// waiting: each network step is bounded by the timeout, and a check makes a
// handful of steps.
func hardBound(timeout time.Duration) time.Duration {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	return 4*timeout + time.Second
}

func runGroup(ctx context.Context, g Group, s *Setup) []Result {
	ctx, cancel := context.WithTimeout(ctx, hardBound(s.Config.Timeout))
	defer cancel()
	ch := make(chan []Result, 1)
	start := time.Now()
	go func() {
		defer func() {
			if p := recover(); p != nil {
				msg := s.Redactor.Clean(fmt.Sprint(p))
				_ = debug.Stack // the stack may hold the key; it is not printed
				ch <- failAll(g, "the check crashed: "+msg)
			}
		}()
		ch <- g.Run(ctx, s)
	}()
	select {
	case res := <-ch:
		for i := range res {
			if res[i].Duration == 0 {
				res[i].Duration = time.Since(start)
			}
			res[i] = redactResult(s.Redactor, declaredFacts(g, res[i]))
		}
		return res
	case <-ctx.Done():
		return failAll(g, "gave no answer within "+hardBound(s.Config.Timeout).String()+": "+ctx.Err().Error())
	}
}

// declaredFacts keeps the facts the check's spec declares: the tree is
// validated against the specs, so a fact no spec names could never be read.
func declaredFacts(g Group, r Result) Result {
	if len(r.Facts) == 0 {
		return r
	}
	var spec Spec
	for _, c := range g.Checks {
		if c.ID == r.ID {
			spec = c
		}
	}
	kept := make(map[string]string, len(r.Facts))
	for k, v := range r.Facts {
		if slices.Contains(spec.Facts, k) {
			kept[k] = v
		}
	}
	r.Facts = kept
	return r
}

func failAll(g Group, why string) []Result {
	out := make([]Result, len(g.Checks))
	for i, id := range g.IDs() {
		out[i] = Result{ID: id, Title: id, Status: Fail, Summary: why, Unseen: true}
	}
	return out
}

func cancelled(id string, err error) Result {
	return Result{ID: id, Title: id, Status: Skip, Summary: "cancelled: " + err.Error(), Unseen: true}
}

// redactResult is the last line of defence: whatever a check put in its
// result, the key does not leave through it, and neither does a control
// character from outside (a server's ESC or C1 CSI, a paste's, a file's). It walks every exported string
// of the result (evidence, rate limits, details, facts), so a field added
// to Evidence is redacted without a line here. Slices, maps and pointers are
// copied, never changed in place: a check may share them.
func redactResult(rd *Redactor, r Result) Result {
	redactValue(rd, reflect.ValueOf(&r).Elem())
	return r
}

func redactValue(rd *Redactor, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			v.SetString(rd.Clean(v.String()))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				redactValue(rd, v.Field(i))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			c := reflect.New(v.Elem().Type())
			c.Elem().Set(v.Elem())
			redactValue(rd, c.Elem())
			v.Set(c)
		}
	case reflect.Slice:
		if !v.IsNil() {
			c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(c, v)
			for i := range c.Len() {
				redactValue(rd, c.Index(i))
			}
			v.Set(c)
		}
	case reflect.Map:
		if !v.IsNil() {
			c := reflect.MakeMapWithSize(v.Type(), v.Len())
			for it := v.MapRange(); it.Next(); {
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(it.Value())
				redactValue(rd, e)
				c.SetMapIndex(it.Key(), e)
			}
			v.Set(c)
		}
	}
}

// Facts are the results so far as facts for the decision tree:
// <id>.status, <id>.cause and each result's own facts, and <id>.unseen =
// yes for a check that could not gather its evidence (decisiontree's
// UnseenSuffix: a verdict resting on it is not confirmed).
func (r *Runner) Facts() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := map[string]string{}
	for id, res := range r.results {
		f[id+".status"] = string(res.Status)
		f[id+".cause"] = res.Cause
		for k, v := range res.Facts {
			f[k] = v
		}
		f[id+".unseen"] = ""
		if res.Unseen {
			f[id+".unseen"] = "yes"
		}
	}
	return f
}

// evidenceOrder is the precedence for merged evidence: what the API said
// outranks what the network ladder saw, which outranks the configuration.
var evidenceOrder = []string{
	CheckKeyPresent, CheckKeySources, CheckKeyHygiene, CheckKeyPlatform, CheckBaseURL,
	CheckProxy, CheckDNS, CheckTCP, CheckTLS, CheckMCP, CheckModels, CheckAuthHeader, CheckRequest, CheckPaste,
}

// FromPaste reports whether the cause was named from pasted text rather
// than by a live check: the paste named it, or the paste is all that ran.
// Then nothing about this machine's setup is evidence for it. This is the
// one rule; every output asks it.
func (r *Runner) FromPaste(cause string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.results[CheckPaste]
	if !ok || cause == "" {
		return false
	}
	if res.Cause == cause {
		return true
	}
	for id := range r.results {
		if id != CheckPaste {
			return false
		}
	}
	return true
}

// Evidence merges what every check observed. When cause is not empty, the
// result that proved that cause has the last word. A cause named from
// pasted text gets the paste's evidence alone: the setup's defaults (the
// key variable, the profile's base URL) were not what failed there.
func (r *Runner) Evidence(cause string) (Evidence, string) {
	if r.FromPaste(cause) {
		res, _ := r.Result(CheckPaste)
		return res.Evidence, res.Summary
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var ev Evidence
	for _, id := range evidenceOrder {
		if res, ok := r.results[id]; ok {
			ev = MergeEvidence(ev, res.Evidence)
		}
	}
	summary := ""
	if cause != "" {
		for _, id := range append(r.suite.IDs(), CheckPaste) {
			if res, ok := r.results[id]; ok && res.Cause == cause {
				ev = MergeEvidence(ev, res.Evidence)
				summary = res.Summary
				break
			}
		}
	}
	s := r.setup
	if ev.Provider == "" {
		ev.Provider = s.Profile.Name
	}
	if ev.Protocol == "" {
		ev.Protocol = s.Protocol
	}
	if ev.BaseURL == "" {
		ev.BaseURL = s.Redactor.Clean(s.BaseURL)
	}
	if ev.Endpoint == "" {
		ev.Endpoint = s.Redactor.Clean(s.Endpoint)
	}
	if ev.Model == "" {
		ev.Model = s.Model
	}
	if ev.Key == "" && !s.Key.Empty() {
		ev.Key = s.Key.String() + " (from " + s.KeyEnv + ")"
	}
	return ev, summary
}

// MergeEvidence overlays the non-empty fields of top on base: every
// field, by reflection, so a field added to Evidence merges without a line
// here. A flag once seen (Truncated) stays set.
func MergeEvidence(base, top Evidence) Evidence {
	b, t := reflect.ValueOf(&base).Elem(), reflect.ValueOf(top)
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Kind() == reflect.Slice && f.Len() == 0 || f.IsZero() {
			continue
		}
		b.Field(i).Set(f)
	}
	return base
}

// Decline records that the user said no to a check (the billable request),
// so the tree sees it as skipped and nothing is sent. What it would have
// found is unseen.
func (r *Runner) Decline(id, why string) Result {
	res := Result{ID: id, Title: id, Status: Skip, Summary: why, Unseen: true}
	r.mu.Lock()
	r.results[id] = res
	r.mu.Unlock()
	return res
}
