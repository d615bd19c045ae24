package checks

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const runnerKey = "sk-proj-RUNNERTESTKEY0123456789abcdefXYZ"

func testGroups(calls *atomic.Int32, block chan struct{}) []Group {
	return []Group{
		Single(Spec{ID: "counted", Facts: []string{"counted.extra"}}, func(ctx context.Context, s *Setup) Result {
			calls.Add(1)
			if block != nil {
				<-block
			}
			return Result{ID: "counted", Status: Pass, Summary: "ok", Facts: map[string]string{"counted.extra": "yes"}}
		}),
		{Checks: []Spec{{ID: "a"}, {ID: "b"}}, Run: func(ctx context.Context, s *Setup) []Result {
			calls.Add(1)
			return []Result{{ID: "a", Status: Pass}, {ID: "b", Status: Fail, Cause: "dns-failure"}}
		}},
		Single(Spec{ID: "panics"}, func(ctx context.Context, s *Setup) Result { panic("boom with " + runnerKey) }),
		Single(Spec{ID: "leaks"}, func(ctx context.Context, s *Setup) Result {
			return Result{ID: "leaks", Status: Fail, Summary: "server said: bad key " + runnerKey,
				Evidence: Evidence{ErrorMessage: "Incorrect API key provided: " + runnerKey}}
		}),
		Single(Spec{ID: "hangs"}, func(ctx context.Context, s *Setup) Result { select {} }),
	}
}

// testResolve stands in for checks/setup (which imports this package): the
// key from OPENAI_API_KEY, a fixed base URL, a redactor that knows the key.
func testResolve(cfg Config) *Setup {
	s := &Setup{Config: cfg, Redactor: NewRedactor(), KeyEnv: "OPENAI_API_KEY", BaseURL: "https://api.openai.com/v1",
		Endpoint: "https://api.openai.com/v1/chat/completions"}
	if v := cfg.Env["OPENAI_API_KEY"]; v != "" {
		s.Key = NewSecret(v)
		s.Redactor.Add(v)
	}
	return s
}

func newRunner(cfg Config, groups []Group) *Runner {
	return NewRunner(cfg, Suite{Groups: groups, Resolve: testResolve})
}

func testRunner(groups []Group) *Runner {
	return newRunner(Config{Env: Env{"OPENAI_API_KEY": runnerKey}, Timeout: 20 * time.Millisecond}, groups)
}

func TestRunnerRunsEachGroupOnceAndShares(t *testing.T) {
	var calls atomic.Int32
	block := make(chan struct{})
	r := testRunner(testGroups(&calls, block))
	done := make(chan Result, 8)
	for range 8 {
		go func() { done <- r.Run(context.Background(), "counted") }()
	}
	time.Sleep(10 * time.Millisecond) // let them pile up on the in-flight run
	close(block)
	for range 8 {
		if res := <-done; res.Status != Pass {
			t.Fatalf("got %+v", res)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("the check ran %d times, want once", n)
	}
	r.Run(context.Background(), "a")
	r.Run(context.Background(), "b")
	if n := calls.Load(); n != 2 {
		t.Fatalf("a and b are one group: want 2 calls in all, got %d", n)
	}
	f := r.Facts()
	if f["b.cause"] != "dns-failure" || f["a.status"] != "pass" || f["counted.extra"] != "yes" {
		t.Fatalf("facts: %v", f)
	}
}

func TestRunnerSurvivesPanicsHangsAndLeaks(t *testing.T) {
	r := testRunner(testGroups(new(atomic.Int32), nil))
	res := r.RunAll(context.Background(), []string{"panics", "hangs", "leaks", "unknown"})
	if res[0].Status != Fail || !strings.Contains(res[0].Summary, "crashed") {
		t.Fatalf("panic: %+v", res[0])
	}
	if res[1].Status != Fail || !strings.Contains(res[1].Summary, "no answer") {
		t.Fatalf("hang: %+v", res[1])
	}
	if res[3].Status != Skip {
		t.Fatalf("unknown: %+v", res[3])
	}
	for _, x := range res {
		if strings.Contains(x.Summary+x.Evidence.ErrorMessage, runnerKey) {
			t.Fatalf("the key leaked through %s: %q", x.ID, x.Summary+x.Evidence.ErrorMessage)
		}
	}
}

func TestRunnerCancel(t *testing.T) {
	r := newRunner(Config{Timeout: time.Hour}, testGroups(new(atomic.Int32), nil))
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan Result)
	go func() { out <- r.Run(ctx, "hangs") }()
	cancel()
	if res := <-out; res.Status != Fail {
		t.Fatalf("cancelled hang: %+v", res)
	}
}

func TestRunnerReconfigureForgets(t *testing.T) {
	var calls atomic.Int32
	r := testRunner(testGroups(&calls, nil))
	r.Run(context.Background(), "counted")
	r.Reconfigure(func(c *Config) { c.Model = "gpt-4o" })
	if _, ok := r.Result("counted"); ok {
		t.Fatal("result survived a reconfiguration")
	}
	if r.Setup().Config.Model != "gpt-4o" {
		t.Fatal("change not applied")
	}
	r.Run(context.Background(), "counted")
	if calls.Load() != 2 {
		t.Fatalf("want a second run, got %d", calls.Load())
	}
}

func TestMergeEvidence(t *testing.T) {
	base := Evidence{Provider: "openai", Status: 200, Model: "a"}
	top := Evidence{Status: 429, RateLimit: &RateLimit{Limit: "10"}}
	m := MergeEvidence(base, top)
	if m.Provider != "openai" || m.Status != 429 || m.Model != "a" || m.RateLimit == nil {
		t.Fatalf("%+v", m)
	}
}

func TestRunnerDoesNotKeepCancelledResults(t *testing.T) {
	var calls atomic.Int32
	block := make(chan struct{})
	r := testRunner(testGroups(&calls, block))
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan Result)
	go func() { out <- r.Run(ctx, "counted") }()
	cancel()
	<-out
	close(block)
	if _, kept := r.Result("counted"); kept {
		t.Fatal("a cancelled run's result was kept")
	}
	if res := r.Run(context.Background(), "counted"); res.Status != Pass {
		t.Fatalf("the check did not run again: %+v", res)
	}
}

// A cause read from pasted text carries the paste's evidence alone, never
// this machine's defaults (the profile's base URL, the key variable).
func TestRunnerEvidenceFromPasteStandsAlone(t *testing.T) {
	groups := []Group{
		Single(Spec{ID: CheckPaste}, func(ctx context.Context, s *Setup) Result {
			return Result{ID: CheckPaste, Status: Fail, Cause: "rate-limited", Summary: "pasted 429",
				Evidence: Evidence{Status: 429, RequestID: "req_pasted"}}
		}),
		Single(Spec{ID: CheckKeyPresent}, func(ctx context.Context, s *Setup) Result {
			return Result{ID: CheckKeyPresent, Status: Pass, Evidence: Evidence{Key: "sk-p…x (from OPENAI_API_KEY)"}}
		}),
	}
	r := newRunner(Config{Env: Env{"OPENAI_API_KEY": runnerKey}, Provider: "openai", Timeout: time.Second}, groups)
	r.RunAll(context.Background(), []string{CheckPaste, CheckKeyPresent})
	if !r.FromPaste("rate-limited") || r.FromPaste("key-missing") || r.FromPaste("") {
		t.Fatal("FromPaste answers wrongly")
	}
	ev, summary := r.Evidence("rate-limited")
	if ev.Status != 429 || ev.RequestID != "req_pasted" || summary != "pasted 429" {
		t.Fatalf("lost the paste's evidence: %+v %q", ev, summary)
	}
	if ev.BaseURL != "" || ev.Key != "" || ev.Endpoint != "" {
		t.Fatalf("this machine's setup leaked into a pasted verdict: %+v", ev)
	}
	if ev, _ := r.Evidence("key-missing"); ev.Key == "" {
		t.Fatal("a live verdict lost the setup's evidence")
	}
}

// One walker redacts every string a result can carry: set the key into every
// string field of the evidence (and the rate limit, the lists, the facts) and
// none may come back whole. A field added to Evidence is covered unasked.
func TestRunnerRedactsEveryEvidenceField(t *testing.T) {
	var ev Evidence
	fill(reflect.ValueOf(&ev).Elem(), "key="+runnerKey)
	r := testRunner([]Group{Single(Spec{ID: "echo", Facts: []string{"echo.said"}}, func(ctx context.Context, s *Setup) Result {
		return Result{ID: "echo", Status: Fail, Summary: runnerKey, Details: []string{runnerKey},
			Facts: map[string]string{"echo.said": runnerKey}, Evidence: ev}
	})})
	res := r.Run(context.Background(), "echo")
	out := fmt.Sprintf("%+v %+v", res, *res.Evidence.RateLimit)
	if strings.Contains(out, runnerKey) {
		t.Fatalf("the key came back whole: %s", out)
	}
	if !strings.Contains(res.Evidence.BaseURL, "redacted") || res.Facts["echo.said"] == "" {
		t.Fatalf("fields were dropped rather than redacted: %+v", res)
	}
	if strings.Contains(ev.ErrorMessage, "redacted") {
		t.Fatal("redaction changed the check's own evidence in place")
	}
}

func fill(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), s)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), s)
	case reflect.Slice:
		e := reflect.MakeSlice(v.Type(), 1, 1)
		fill(e.Index(0), s)
		v.Set(e)
	}
}

// The runner passes on only the facts a check's spec declares.
func TestRunnerKeepsOnlyDeclaredFacts(t *testing.T) {
	r := testRunner([]Group{Single(Spec{ID: "f", Facts: []string{"f.known"}}, func(ctx context.Context, s *Setup) Result {
		return Result{ID: "f", Status: Pass, Facts: map[string]string{"f.known": "1", "f.sneaky": "2"}}
	})})
	r.Run(context.Background(), "f")
	facts := r.Facts()
	if facts["f.known"] != "1" || facts["f.sneaky"] != "" {
		t.Fatalf("facts = %v", facts)
	}
}

// Every field of Evidence merges, by reflection.
func TestMergeEvidenceEveryField(t *testing.T) {
	var top Evidence
	fill(reflect.ValueOf(&top).Elem(), "x")
	top.Status, top.TTFBMs, top.TotalMs, top.Truncated = 1, 1, 1, true
	m := MergeEvidence(Evidence{}, top)
	mv := reflect.ValueOf(m)
	for i := range mv.NumField() {
		if mv.Field(i).IsZero() {
			t.Errorf("field %s did not merge", mv.Type().Field(i).Name)
		}
	}
}
