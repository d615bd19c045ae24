package probe

import (
	"net/http"
	"testing"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
)

func netMCP(t *testing.T, url string, opts ...func(*checks.Setup)) checks.Result {
	t.Helper()
	opts = append(opts, func(s *checks.Setup) { s.Config.MCPURL = url })
	s := netSetup(t, "openai", "https://api.example.com/v1", hooks{}, opts...)
	return netCheck(t, s, checks.CheckMCP, MCP)
}

func TestMCPReachable(t *testing.T) {
	var hits netHits
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.record(r)
		netDrain(r)
		netJSON(w, 200, map[string]any{"jsonrpc": "2.0", "id": 1, "result": map[string]any{"protocolVersion": "2025-06-18"}})
	}))
	r := netMCP(t, netAt(srv, "mcp.test")+"/mcp")
	netWant(t, r, checks.Pass, "")
	h := hits.header()
	if h.Get("Authorization") != "" || h.Get("X-Api-Key") != "" {
		t.Error("the API key was sent to the MCP server")
	}
}

func TestMCPAnswersWithAuthOrSSE(t *testing.T) {
	srv := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netDrain(r)
		w.WriteHeader(401)
	}))
	netWant(t, netMCP(t, srv.URL+"/mcp"), checks.Pass, "")

	// An SSE answer that never ends: the headers are enough.
	sse := netServe(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		netDrain(r)
		netSSE(w, "event: endpoint\ndata: /messages?session=1")
		<-r.Context().Done()
	}))
	netWant(t, netMCP(t, sse.URL+"/sse", netTimeout(200*time.Millisecond)), checks.Pass, "")

	nf := netServe(t, http.NotFoundHandler())
	netWant(t, netMCP(t, nf.URL+"/wrong"), checks.Warn, "")
}

func TestMCPUnreachable(t *testing.T) {
	short := netTimeout(200 * time.Millisecond)
	for name, url := range map[string]string{
		"refused": "http://" + netClosedPort(t) + "/mcp",
		"dns":     "https://mcp.nowhere.invalid/mcp",
		"silent":  "http://" + netSilent(t) + "/mcp",
		"ws":      "ws://mcp.test/mcp",
	} {
		t.Run(name, func(t *testing.T) {
			r := netMCP(t, url, short)
			netWant(t, r, checks.Fail, "mcp-server-disconnected")
		})
	}
}

func TestMCPSkips(t *testing.T) {
	netWant(t, netMCP(t, ""), checks.Skip, "")
	netWant(t, netMCP(t, "npx -y @modelcontextprotocol/server-filesystem ."), checks.Skip, "")
}
