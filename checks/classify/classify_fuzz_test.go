package classify

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// catalogueIDs is every cause ID of the catalogue (content/causes.yaml, the
// file content embeds; this package must not import content): whatever the
// input, the classifier answers one of these or "".
var catalogueIDs = map[string]bool{}

func init() {
	data, err := os.ReadFile(filepath.Join("..", "..", "content", "causes.yaml"))
	if err != nil {
		panic(err)
	}
	var causes []struct {
		ID string `yaml:"id"`
	}
	if err := yaml.Unmarshal(data, &causes); err != nil {
		panic(err)
	}
	for _, c := range causes {
		catalogueIDs[c.ID] = true
	}
	if len(catalogueIDs) == 0 {
		panic("content/causes.yaml lists no cause")
	}
}

// fuzzKey is planted in every fuzz input; it must never come back whole.
const fuzzKey = "sk-proj-FuzzKey7Hq2Lm9Xc4Vb1Nz8Rt5Ws3Yk6Pa0"

func checkInvariants(t *testing.T, c Classification) {
	t.Helper()
	if c.Cause != "" && !catalogueIDs[c.Cause] {
		t.Fatalf("cause %q is not in the catalogue", c.Cause)
	}
	if c.Recognized != (c.Cause != "") {
		t.Fatalf("Recognized=%v with cause %q", c.Recognized, c.Cause)
	}
	if c.Recognized && c.Reason == "" {
		t.Fatalf("cause %q without a reason", c.Cause)
	}
	ev := c.Evidence
	for name, s := range map[string]string{"reason": c.Reason, "message": ev.ErrorMessage, "type": ev.ErrorType,
		"code": ev.ErrorCode, "request id": ev.RequestID, "served by": ev.ServedBy} {
		if !utf8.ValidString(s) {
			t.Fatalf("%s is not valid UTF-8: %q", name, s)
		}
		if strings.ContainsAny(s, "\n\r\x00") {
			t.Fatalf("%s is not one line: %q", name, s)
		}
	}
	if len(ev.ErrorMessage) > maxMessage+len("…") {
		t.Fatalf("message is %d bytes", len(ev.ErrorMessage))
	}
	assertNoKey(t, c, fuzzKey)
}

func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	entries, err := os.ReadDir(filepath.Join("testdata", "bodies"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", "bodies", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

func FuzzClassify(f *testing.F) {
	for _, tc := range bodyCases {
		f.Add(tc.status, readFixture(f, tc.file))
	}
	f.Add(0, []byte(nil))
	f.Add(200, []byte("[[[[[[[[[[{"))
	f.Add(429, []byte(`{"error":{"message":{"error":{"message":7}},"code":[1,2],"type":{"a":null},"metadata":{"raw":"\"{\\\"error\\\":\\\"x\\\"}\""}}}`))
	hdr := http.Header{
		"Content-Type":                     {"application/json"},
		"X-Request-Id":                     {"req_" + fuzzKey},
		"X-Ratelimit-Reset-Requests":       {"6m0s"},
		"Anthropic-Ratelimit-Tokens-Reset": {"2025-06-12T14:02:11Z"},
		"X-Ratelimit-Reset":                {"1749736931"},
		"Retry-After":                      {"37"},
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		c := Classify(status, hdr, body, nil)
		checkInvariants(t, c)
		// With a key planted in the body, it stays masked.
		planted := append(append([]byte(nil), body...), []byte(` {"error":{"message":"Incorrect API key provided: `+fuzzKey+` "}}`)...)
		checkInvariants(t, Classify(status, hdr, planted, nil))
		// The same bytes pasted into explain.
		checkInvariants(t, ClassifyText(string(planted)))
	})
}

// FuzzPastedText fuzzes ClassifyText. It is not named FuzzClassifyText on
// purpose: `go test -fuzz=FuzzClassify` takes a regular expression, and a
// second target whose name starts with FuzzClassify would make that command
// refuse to run ("matches more than one fuzz test"). FuzzClassify feeds its
// bodies to ClassifyText too, so that command fuzzes both.
func FuzzPastedText(f *testing.F) {
	for _, tc := range textCases {
		f.Add(tc.text)
	}
	for _, b := range fuzzSeeds(f) {
		f.Add(string(b))
	}
	f.Add("Error code: 401 - {'error': {'message': 'x\\")
	f.Add("event: error\ndata: {\"error\":")
	f.Add("{'a': '\\U0010ffff\\x" + "'}")
	f.Fuzz(func(t *testing.T, text string) {
		checkInvariants(t, ClassifyText(text))
		checkInvariants(t, ClassifyText(text+" api_key=\""+fuzzKey+"\" "))
		checkInvariants(t, ClassifyText("Error code: 400 - {'error': {'message': '"+fuzzKey+" "+text+"'}}"))
	})
}
