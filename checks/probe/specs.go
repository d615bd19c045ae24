package probe

import "github.com/unstuck-dev/unstuck/checks"

// What each probe may tell the decision tree: the causes it can prove and
// the facts it sets (checks.Spec). content's tests validate tree.yaml
// against these, and the runner passes on only the facts declared here.
var (
	// The ladder's steps prove what the typed transport errors of
	// checks/classify name, at whichever layer failed.
	ladderCauses = []string{"proxy-failure", "dns-failure", "connection-refused", "network-unreachable", "tls-failure", "timeout"}

	ProxySpec = checks.Spec{ID: checks.CheckProxy, Proves: ladderCauses, Facts: []string{"proxy.all_proxy"}}
	DNSSpec   = checks.Spec{ID: checks.CheckDNS, Proves: ladderCauses}
	TCPSpec   = checks.Spec{ID: checks.CheckTCP, Proves: ladderCauses}
	TLSSpec   = checks.Spec{ID: checks.CheckTLS, Proves: ladderCauses}

	// The API checks read the answer with the classifier: any cause.
	ModelsSpec     = checks.Spec{ID: checks.CheckModels, AnyCause: true, Facts: []string{"models.http", "models.has_model"}}
	AuthHeaderSpec = checks.Spec{ID: checks.CheckAuthHeader, Proves: []string{"auth-header-format"}, Facts: []string{"auth-header.http"}}
	RequestSpec    = checks.Spec{ID: checks.CheckRequest, AnyCause: true, Facts: []string{
		"request.http", "request.stream", "request.slow", "request.quirk", "request.model_guessed", "request.wrong_provider"}}
	// The container check proves localhost-in-container only when the
	// host answers at the port; else the loopback's own refusal.
	ContainerSpec = checks.Spec{ID: checks.CheckContainer, Proves: append([]string{"localhost-in-container"}, ladderCauses...), Facts: []string{"container.host"}}
	// The local server check names a model it has not pulled, or a
	// server that does not run.
	LocalServerSpec = checks.Spec{ID: checks.CheckLocalServer, Proves: append([]string{"model-not-pulled"}, ladderCauses...), Facts: []string{
		"local-server.running", "local-server.kind", "local-server.has_model", "local-server.context"}}
	MCPSpec = checks.Spec{ID: checks.CheckMCP, Proves: []string{"mcp-server-disconnected"}, Facts: []string{"mcp.http"}}
)

// The background calls a client makes (also.go).
var (
	CountTokensSpec       = checks.Spec{ID: CheckCountTokens, Proves: []string{"endpoint-unsupported"}, Facts: []string{"count-tokens.http"}}
	SmallModelSpec        = checks.Spec{ID: CheckSmallModel, Proves: []string{"model-not-found"}, Facts: []string{"small-model.listed"}}
	SmallModelRequestSpec = checks.Spec{ID: CheckSmallModelRequest, AnyCause: true, Facts: []string{
		"small-model-request.http", "small-model-request.stream", "small-model-request.slow", "small-model-request.wrong_provider"}}
)
