package golit

import (
	"strings"
	"testing"
	"time"
)

type kind string

type leaf struct {
	Name  string
	Kind  kind
	N     int
	On    bool
	Wait  time.Duration
	Tags  []string
	Empty []string
	Heads map[string]string
}

type root struct {
	Leaves []*leaf
	One    leaf
	hidden string
}

func TestExpr(t *testing.T) {
	var w Writer
	got, err := w.Expr(root{Leaves: []*leaf{{Name: "a\"b\n", Kind: "q", N: -3, On: true, Wait: time.Second,
		Tags: []string{"x"}, Empty: []string{}, Heads: map[string]string{"z": "1", "a": "2"}}, nil}}, "")
	if err != nil {
		t.Fatal(err)
	}
	want := `golit.root{
	Leaves: []*golit.leaf{
		&golit.leaf{
			Name: "a\"b\n",
			Kind: golit.kind("q"),
			N: -3,
			On: true,
			Wait: time.Duration(1000000000),
			Tags: []string{
				"x",
			},
			Empty: []string{},
			Heads: map[string]string{
				"a": "2",
				"z": "1",
			},
		},
		nil,
	},
}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if imps := strings.Join(w.Imports(), " "); imps != "github.com/unstuck-dev/unstuck/internal/golit time" {
		t.Errorf("imports %q", imps)
	}
}

// A value it could not write back whole is an error, never a quiet loss.
func TestExprRefusesWhatItCannotWrite(t *testing.T) {
	var w Writer
	if _, err := w.Expr(root{hidden: "x"}, ""); err == nil || !strings.Contains(err.Error(), "hidden") {
		t.Errorf("an unexported field set: %v", err)
	}
	if _, err := w.Expr(struct{ F func() }{F: func() {}}, ""); err == nil {
		t.Error("a func was written")
	}
}
