package classify

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
)

// Reading web pages: what stands in front of an API (nginx, Cloudflare, a
// company proxy, a single-page app at the wrong URL) answers in HTML. Its
// title and visible text are what the page rules read.

// looksHTML reports whether a body is a web page rather than an API answer.
func looksHTML(body []byte, contentType string) bool {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "html") {
		return true
	}
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	l := bytes.ToLower(head)
	return bytes.HasPrefix(l, []byte("<!doctype html")) || bytes.Contains(l, []byte("<html")) ||
		bytes.Contains(l, []byte("<head")) || bytes.Contains(l, []byte("<body")) || bytes.Contains(l, []byte("<title"))
}

var (
	titleRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`) })
	scriptRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(script|style)>`) })
	tagRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
)

func htmlTitle(body []byte) string {
	if m := titleRE().FindSubmatch(body); m != nil {
		return unescapeHTML(validUTF8(m[1]))
	}
	return ""
}

// htmlText is a page's visible text, roughly: good enough to find
// "Sorry, you have been blocked" or "502 Bad Gateway".
func htmlText(body []byte) string {
	if len(body) > maxHay {
		body = body[:maxHay]
	}
	s := scriptRE().ReplaceAll(body, []byte(" "))
	s = tagRE().ReplaceAll(s, []byte(" "))
	return unescapeHTML(validUTF8(s))
}

var htmlEntities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&nbsp;", " ", "&#x27;", "'")

func unescapeHTML(s string) string { return htmlEntities.Replace(s) }
