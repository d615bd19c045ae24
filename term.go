package main

import (
	"os"

	"github.com/charmbracelet/x/term"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }

func termSize(f *os.File) (int, int, error) { return term.GetSize(f.Fd()) }
