package report

// How long a guidance page takes to render for a terminal: every cause's
// page, filled with realistic evidence, at three widths, through the cached
// renderer (what the wizard and diagnose use after the first page) and cold
// (a new glamour renderer per page, what the very first page pays).
//
//	go test -run '^$' -bench Markdown -benchmem ./report/

import (
	"strconv"
	"testing"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/content"
)

func benchPages(b testing.TB) []string {
	b.Helper()
	causes, err := content.Causes()
	if err != nil {
		b.Fatal(err)
	}
	ev := checks.Evidence{
		Provider: "openai", Protocol: "openai", BaseURL: "https://api.openai.com/v1",
		Endpoint: "https://api.openai.com/v1/chat/completions", Model: "gpt-4o-mni",
		SuggestedModel: "gpt-4o-mini", Models: []string{"gpt-4o-mini", "gpt-4o", "gpt-4.1"},
		Key: "sk-p…c1d2 (56 chars)", KeySource: "environment", Status: 429,
		ErrorType: "requests", ErrorCode: "rate_limit_exceeded",
		ErrorMessage: "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
		RequestID:    "req_8f1a2b3c4d5e6f708192a3b4c5d6e7f8",
		RateLimit:    &checks.RateLimit{Limit: "3", Remaining: "0", Reset: "in 20 s", RetryAfter: "20 s"},
		TTFBMs:       412, TotalMs: 655, FailedLayer: "http",
	}
	d := content.NewPageData(ev, nil, "the API answered 429 rate_limit_exceeded")
	d.KeyEnv, d.ProviderTitle = "OPENAI_API_KEY", "OpenAI"
	var pages []string
	for _, c := range causes {
		md, err := content.Guidance(c.ID, d)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, md)
	}
	return pages
}

// benchForgetRenderers empties the renderer cache, so the next Markdown call
// builds a renderer as the first page of a process does.
func benchForgetRenderers() {
	cacheMu.Lock()
	cache = map[[2]int]*cached{}
	cacheMu.Unlock()
}

func BenchmarkMarkdown(b *testing.B) {
	pages := benchPages(b)
	for _, mode := range []string{"cached", "cold"} {
		for _, width := range []int{60, 80, 120} {
			for _, style := range []Style{Dark, Plain} {
				name := mode + "/w" + strconv.Itoa(width) + "/" + map[Style]string{Dark: "dark", Plain: "plain"}[style]
				b.Run(name, func(b *testing.B) {
					benchForgetRenderers()
					b.ReportAllocs()
					for b.Loop() {
						for _, md := range pages {
							if mode == "cold" {
								benchForgetRenderers()
							}
							if _, err := Markdown(md, width, style); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pages))/1e6, "ms/page")
				})
			}
		}
	}
}

// BenchmarkRendererBuild is the cost the cache saves: one glamour renderer.
func BenchmarkRendererBuild(b *testing.B) {
	for _, style := range []Style{Dark, Light, Plain} {
		b.Run([]string{Dark: "dark", Light: "light", Plain: "plain"}[style], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				benchForgetRenderers()
				if _, err := renderer(style, WrapWidth(80)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
