package probe

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// MCP checks that the MCP server URL the user gave answers at all. It sends an
// MCP initialize request (the first thing an agent sends over streamable
// HTTP) without the API key — the key is not the MCP server's — and counts
// any HTTP answer as reachable: an agent sees a server that does not answer
// as "disconnected".
func MCP(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: checks.CheckMCP, Title: "The MCP server answers", Facts: map[string]string{}}
	done := func() checks.Result { return r }
	raw := strings.TrimSpace(s.Config.MCPURL)
	if raw == "" {
		r.Status, r.Summary = checks.Skip, "not tried: no MCP server URL given"
		return done()
	}
	if !strings.Contains(raw, "://") {
		r.Status, r.Summary = checks.Skip, "not tried: not a URL — a local (stdio) MCP server is started by the agent itself"
		return done()
	}
	if u, err := url.Parse(raw); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		r.Status, r.Cause = checks.Fail, "mcp-server-disconnected"
		r.Summary = "the MCP server URL cannot be used: it must be an http:// or https:// URL with a host"
		return done()
	}
	rep, err := sessionFor(s).client.Open(ctx, Call{
		Method: http.MethodPost,
		URL:    raw,
		Body:   mcpInitialize,
		Accept: "application/json, text/event-stream",
		Auth:   AuthNone,
	})
	if err != nil {
		transportFail(&r, rep, err, "the MCP server cannot be reached")
		r.Cause = "mcp-server-disconnected"
		return done()
	}
	// The headers are the answer; an SSE body may never end, so it is not read.
	rep.Close()
	r.Evidence.Status = rep.Status
	r.Facts["mcp.http"] = fmt.Sprint(rep.Status)
	r.Status = checks.Pass
	r.Summary = fmt.Sprintf("the MCP server answers (%d %s)", rep.Status, http.StatusText(rep.Status))
	switch st := rep.Status; {
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		r.Details = append(r.Details, "It wants credentials: the agent must send the MCP server's own token.")
	case st == http.StatusNotFound:
		r.Status = checks.Warn
		r.Summary = "something answers at this host, but not an MCP server at this path (404)"
		r.Details = append(r.Details, "Check the URL's path: MCP servers usually answer at /mcp (or /sse for the older transport).")
	case st >= 500:
		r.Status = checks.Warn
		r.Summary = fmt.Sprintf("the MCP server answers, but with a server error (%d %s)", st, http.StatusText(st))
	}
	return done()
}

// mcpInitialize is the initialize request of the MCP protocol.
var mcpInitialize = []byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"unstuck","version":"1"}}}`)
