package setup

import (
	"bytes"
	"errors"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/joho/godotenv"
)

// godotenvRead is the reference: the library parseDotenv reads like.
func godotenvRead(data []byte) (vars map[string]string, err error) {
	defer func() {
		if p := recover(); p != nil {
			vars, err = nil, errors.New("godotenv panicked")
		}
	}()
	return godotenv.Parse(bytes.NewReader(data))
}

var dotenvSamples = []string{
	"A = spaced\nexport B=exported\nC=\"quoted\"\nD=value # comment\nE=trail   \nF=x$A\nG: yaml\nH='$A'\nI=crlf\r\n",
	"OPENAI_API_KEY=sk-abc\n",
	"export A = \"b\" # c\r\nA=2\n",
	"A=\"multi\nline\"\nB='x\n",
	"A: yaml\nno equals\nMY-KEY=1\n",
	"A=$B ${C} $(D)\nB=\\\"\n",
	"A=1\nB=\\$A ${A}x $A$A \"$A\"\nC=\"\\$A \\n \\r \\t \\\\ ${B}\"\nD='${A}'\n",
	"A=“x”\n\x00\x01",
	"#\n#\n#\n",
	"=\n==\n:\n'\n\"",
	"A=a #b #c\nB=a#b\nC= x \t\n",
	"export\nexport=1\nexportA=2\nexport  B=3\n",
	"A.B=1\nÄ=2\nA\xc3\xa4=3\n",
	"A=\xff\xfe\xc3\x28 x # y\n",
	"A=\"\\\"\"\nB='\\''\nC=\"x\\\"y\" # z\n",
	"A=\"x\"junk\nB=2\n",
	"   \n\t\n  # c\n  A=1\n",
	"A\n",
	"A=${A}${A}\nB=${A}\n",
	"A=\u0085x\u00a0\n",
}

func TestDotenvReadsLikeGodotenv(t *testing.T) {
	for _, in := range dotenvSamples {
		want, werr := godotenvRead([]byte(in))
		got, gerr := parseDotenv([]byte(in))
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%q: godotenv error %v, ours %v", in, werr, gerr)
			continue
		}
		if werr == nil && !maps.Equal(want, got) {
			t.Errorf("%q:\n godotenv %q\n ours     %q", in, want, got)
		}
	}
}

// Godotenv is the reference dotenv reader; this pins the behaviours the
// lint messages describe, so that neither a library upgrade nor our parser
// changes them unnoticed.
func TestGodotenvBehaviours(t *testing.T) {
	in := []byte("A = spaced\nexport B=exported\nC=\"quoted\"\nD=value # comment\nE=trail   \nF=x$A\nG: yaml\nH='$A'\nI=crlf\r\n")
	want := map[string]string{"A": "spaced", "B": "exported", "C": "quoted", "D": "value", "E": "trail", "F": "xspaced", "G": "yaml", "H": "$A", "I": "crlf"}
	for name, read := range map[string]func([]byte) (map[string]string, error){"godotenv": godotenvRead, "ours": dotenvRead} {
		vars, err := read(in)
		if err != nil {
			t.Fatal(name, err)
		}
		for k, v := range want {
			if vars[k] != v {
				t.Errorf("%s: %s = %q, want %q", name, k, vars[k], v)
			}
		}
		if _, err := read([]byte("A=1\nno equals here\nB=2\n")); err == nil {
			t.Errorf("%s accepted a line without =; the lint says it stops reading", name)
		}
	}
	// The fallback keeps what can be read line by line.
	vars, lines := loadEnvFile([]byte("A=1\nno equals here\nB=2\n"))
	if vars["A"] != "1" || vars["B"] != "2" || lines["B"] != 3 {
		t.Errorf("fallback load: %v %v", vars, lines)
	}
}

// The bounds: a value past 1 MiB, expansions past 8 MiB in all and chains
// deeper than 64 stop the parse on the line that crosses them.
func TestDotenvExpansionBounds(t *testing.T) {
	chain := "V0=x\n"
	for i := 1; i <= 70; i++ {
		chain += "V" + itoa(i) + "=${V" + itoa(i-1) + "}\n"
	}
	big := "A=" + strings.Repeat("x", 600<<10) + "\n"
	for _, c := range []struct {
		name, in string
		line     int
		what     string
	}{
		{"doubling", envBomb(40), 19, "more than 1 MiB"},
		{"many copies", big + strings.Repeat("B=$A\n", 20), 15, "past 8 MiB"},
		{"deep chain", chain, 66, "chain of more than 64"},
	} {
		_, err := parseDotenv([]byte(c.in))
		var ee *expandError
		if !errors.As(err, &ee) {
			t.Errorf("%s: %v, want an expansion error", c.name, err)
			continue
		}
		if ee.Line != c.line || !strings.Contains(ee.Why, c.what) {
			t.Errorf("%s: %v, want line %d and %q", c.name, ee, c.line, c.what)
		}
	}
	// Below the bounds, nothing changes.
	if vars, err := parseDotenv([]byte(envBomb(10))); err != nil || len(vars["A9"]) != 8<<9 {
		t.Errorf("a modest file: %v, A9 is %d bytes", err, len(vars["A9"]))
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// FuzzDotenvReadsLikeGodotenv: on any file our bounds allow, parseDotenv
// reads what godotenv reads.
func FuzzDotenvReadsLikeGodotenv(f *testing.F) {
	for _, s := range dotenvSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			data = data[:4096]
		}
		got, gerr := parseDotenv(data)
		var ee *expandError
		if errors.As(gerr, &ee) {
			return // godotenv would expand it in full
		}
		want, werr := godotenvRead(data)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: godotenv error %v, ours %v", data, werr, gerr)
		}
		if werr == nil && !maps.Equal(want, got) {
			t.Fatalf("%q:\n godotenv %q\n ours     %q", data, want, got)
		}
	})
}
