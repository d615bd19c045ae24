package classify

// Transport errors read from text: what a pasted error says, and what an
// error says when no type explains it (neterr.go reads the typed ones).

// clsTransportText reads a transport failure from text: a Go error, a Python
// (httpx, requests, aiohttp) or Node (fetch, undici, axios) error. msg must
// be lower case. The phrases are the transport rules of content/rules.yaml.
func clsTransportText(msg string) (cause, layer, reason string) {
	return defaultRules().transportText(msg)
}
