package setup

import (
	"strconv"
	"strings"
	"testing"
)

// envShapes are the .env files that cost a parser the most, each grown to
// n bytes: the cost per byte must stay flat from 64 KiB to 1 MiB.
var envShapes = []struct {
	name string
	make func(n int) string
}{
	// An opening quote near the top that never closes: the rest of the file
	// is one value to every reader.
	{"unterminated-quote", func(n int) string {
		return "A=1\nB=\"never closed\n" + fill(n-20, func(i int) string { return "V" + strconv.Itoa(i) + "=x\n" })
	}},
	// One line holding the whole file.
	{"one-huge-line", func(n int) string { return "A=" + strings.Repeat("x", n-3) + "\n" }},
	// As many short statements as fit.
	{"many-lines", func(n int) string {
		return fill(n, func(i int) string { return "V" + strconv.Itoa(i) + "=x # c\n" })
	}},
	// Every line expands variables, quoted and not.
	{"expansion", func(n int) string {
		return "A=xxxxxxxx\n" + fill(n-11, func(i int) string { return "V" + strconv.Itoa(i) + "=${A}$A\"${A}\\n\"\n" })
	}},
	// Expansion that doubles: stopped at the bounds, whatever the size.
	{"expansion-bomb", func(n int) string {
		return envBomb(40) + fill(n-700, func(i int) string { return "V" + strconv.Itoa(i) + "=x\n" })
	}},
	// Quoted values with escapes, continued over lines.
	{"multiline-quotes", func(n int) string {
		return fill(n, func(i int) string { return "V" + strconv.Itoa(i) + "=\"a\\nb\n c \\\" d\"\n" })
	}},
	// Comment lines only.
	{"comments", func(n int) string { return fill(n, func(int) string { return "#\n" }) }},
}

func fill(n int, line func(i int) string) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(line(i))
	}
	return b.String()[:n]
}

// BenchmarkEnvParse loads and lints each shape at three sizes, as a
// diagnose run does, and reports ns per byte: flat means linear.
func BenchmarkEnvParse(b *testing.B) {
	for _, shape := range envShapes {
		for _, size := range []int{64 << 10, 256 << 10, 1 << 20} {
			data := []byte(shape.make(size))
			b.Run(shape.name+"/"+strconv.Itoa(size>>10)+"KiB", func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					loadEnvFile(data)
					lintEnvFile(data)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(data)), "ns/byte")
			})
		}
	}
}
