package setup

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/unstuck-dev/unstuck/checks"
)

// keyResult starts a key check's result with the key's evidence.
func keyResult(s *checks.Setup, id, title string) checks.Result {
	r := newResult(s, id, title)
	if !s.Key.Empty() {
		r.Evidence.Key = keyEvidence(s.Key, s.KeyEnv)
		r.Evidence.KeySource = s.KeySource
	}
	return r
}

// keyUnderTest is the key the client sends; when the environment has
// none but the .env does, that value is examined instead, since it is what
// the app will send once it loads .env.
func keyUnderTest(s *checks.Setup) (key, from string) {
	if !s.Key.Empty() {
		return s.Key.Reveal(), s.KeyEnv
	}
	if v := s.EnvFileVars[s.KeyEnv]; v != "" {
		return v, s.KeyEnv + " in " + filepath.Base(s.EnvFilePath)
	}
	return "", ""
}

func envFileWhere(s *checks.Setup, src checks.KeySource) string {
	w := src.Where
	if src.Where == ".env" && s.EnvFilePath != "" {
		w = s.EnvFilePath
	}
	if src.Line > 0 {
		w += ":" + strconv.Itoa(src.Line)
	}
	return w
}

// KeyPresent checks that the variable the client reads is set in the
// process environment, where the SDKs look.
func KeyPresent(_ context.Context, s *checks.Setup) checks.Result {
	if cs := stateOf(s); cs != nil {
		return clientKeyPresent(s, cs)
	}
	r := keyResult(s, checks.CheckKeyPresent, "API key is set")
	if s.KeyEnv == "" {
		r.Status, r.Cause = checks.Fail, "key-missing"
		r.Summary = "no variable to read the key from: pass --key-env NAME"
		return r
	}
	if !s.Key.Empty() {
		r.Status = checks.Pass
		r.Summary = s.KeyEnv + " is set: " + checks.Fingerprint(s.Key.Reveal()) + ", from the " + s.KeySource
		r.Details = append(r.Details, "profile "+s.Profile.Name+" ("+s.ProfileReason+")")
		if len(s.Profile.KeyEnvs) > 0 && !slices.Contains(s.Profile.KeyEnvs, s.KeyEnv) && s.Config.KeyEnv == "" {
			r.Details = append(r.Details, strings.Join(s.Profile.KeyEnvs, " and ")+" ("+s.Profile.DisplayName()+"'s own variable) is not set: the SDK falls back to "+s.KeyEnv+" — make sure that is a "+s.Profile.DisplayName()+" key")
		}
		return r
	}
	if s.Profile.Local {
		// A server the user runs checks a key only when started with one;
		// if it was, its 401 says so.
		r.Status = checks.Skip
		r.Summary = "no key set, and none needed: " + s.Profile.DisplayName() + " checks a key only when it was started with one"
		r.Details = append(r.Details, "an OpenAI SDK still refuses to start without some value: set "+s.KeyEnv+" to any text, e.g. "+s.KeyEnv+"=local")
		return r
	}

	r.Status = checks.Fail
	if v := s.EnvFileVars[s.KeyEnv]; v != "" {
		line := 0
		for _, src := range s.Sources {
			if src.Where == ".env" && src.Name == s.KeyEnv {
				line = src.Line
			}
		}
		r.Cause = "env-file-not-loaded"
		r.Evidence.Key = keyEvidence(checks.NewSecret(v), s.KeyEnv+" in .env")
		r.Evidence.KeySource = ".env"
		r.Summary = s.KeyEnv + " is not in this process's environment, but " + envFileWhere(s, checks.KeySource{Where: ".env", Line: line}) + " holds it: SDKs never read .env themselves"
		r.Details = append(r.Details,
			"load it in the app (Python: from dotenv import load_dotenv; load_dotenv() — Node: node --env-file=.env, or import 'dotenv/config')",
			"or export it in the shell that starts the app: set -a; . ./.env; set +a",
		)
		return r
	}

	r.Cause = "key-missing"
	if _, set := s.Config.Env[s.KeyEnv]; set {
		r.Summary = s.KeyEnv + " is set but empty"
	} else {
		r.Summary = s.KeyEnv + " is not set in this process's environment"
	}
	own := clientKeyVars(s)
	for _, src := range s.Sources {
		if slices.Contains(own, src.Name) {
			if strings.HasPrefix(src.Where, "shell profile") {
				r.Details = append(r.Details, envFileWhere(s, src)+" exports "+src.Name+", but this shell did not load it: open a new terminal or source that file")
			}
			continue
		}
		r.Details = append(r.Details, src.Name+" is set in the "+envFileWhere(s, src)+", but this client reads "+s.KeyEnv+suggestProvider(s, src.Name))
	}
	if s.ProfileReason != "" {
		r.Details = append(r.Details, "profile "+s.Profile.Name+" ("+s.ProfileReason+")")
	}
	return r
}

func suggestProvider(s *checks.Setup, varName string) string {
	for _, p := range s.Config.Profiles {
		if p.Name != s.Profile.Name && slices.Contains(p.KeyEnvs, varName) {
			return " — did you mean --provider " + p.Name + " or --key-env " + varName + "?"
		}
	}
	return " — pass --key-env " + varName + " if your client reads that one"
}

// KeySources warns when the key the client uses is not the only one around:
// the classic "I changed the key but nothing changed".
func KeySources(_ context.Context, s *checks.Setup) checks.Result {
	if cs := stateOf(s); cs != nil {
		return clientKeySources(s, cs)
	}
	r := keyResult(s, checks.CheckKeySources, "One key, from one place")
	own := clientKeyVars(s)
	var mine, others []checks.KeySource
	for _, src := range s.Sources {
		if slices.Contains(own, src.Name) {
			mine = append(mine, src)
		} else {
			others = append(others, src)
		}
	}
	if len(mine) == 0 {
		r.Status, r.Summary = checks.Skip, "no key found in the environment, .env or shell profiles"
		return r
	}

	distinct := map[string]bool{}
	for _, src := range mine {
		distinct[strings.TrimSpace(src.Value.Reveal())] = true
	}
	winner := s.Key.Reveal()
	for _, src := range mine {
		line := src.Where + " " + src.Name + ": " + checks.Fingerprint(src.Value.Reveal())
		if src.Where != "environment" {
			line = envFileWhere(s, src) + " " + src.Name + ": " + checks.Fingerprint(src.Value.Reveal())
		}
		switch {
		case src.Where == "environment" && src.Name == s.KeyEnv:
			line += " ← your client uses this one"
		case src.Where == "environment":
			line += " — also read by the SDK" + alsoRead(s, src.Name)
		case src.Where == ".env" && winner != "":
			line += " — ignored while the environment has " + src.Name + ": dotenv loaders do not override a set variable (python-dotenv needs override=True)"
			if src.Name != s.KeyEnv {
				line = envFileWhere(s, src) + " " + src.Name + ": " + checks.Fingerprint(src.Value.Reveal()) + " — read only if the app passes it"
			}
		case src.Where == ".env":
			line += " — used once the app loads .env"
		default:
			line += " — a new terminal starts with this value"
		}
		r.Details = append(r.Details, line)
	}
	for _, src := range others {
		r.Details = append(r.Details, "also set, for other clients: "+src.Name+" in the "+envFileWhere(s, src)+": "+checks.Fingerprint(src.Value.Reveal()))
	}

	if len(distinct) < 2 {
		r.Status = checks.Pass
		if len(mine) == 1 {
			r.Summary = "one key, from the " + envFileWhere(s, mine[0])
		} else {
			r.Summary = "the same key in every place (" + plural(len(mine), "source", "sources") + ")"
		}
		return r
	}
	r.Status, r.Cause = checks.Warn, "key-shadowed"
	used := "the " + s.KeySource + " (" + s.KeyEnv + ": " + checks.Fingerprint(winner) + ")"
	if winner == "" {
		used = "none yet — the environment has no " + s.KeyEnv
	}
	r.Summary = fmt.Sprintf("%d different keys for this client: it uses %s", len(distinct), used)
	return r
}

// alsoRead explains why a second variable of the same client matters.
func alsoRead(s *checks.Setup, name string) string {
	if name == "ANTHROPIC_AUTH_TOKEN" || (name == "ANTHROPIC_API_KEY" && s.KeyEnv == "ANTHROPIC_AUTH_TOKEN") {
		return " (the Anthropic SDK sends both: x-api-key and Authorization: Bearer)"
	}
	return " when the app does not pass the key itself"
}

// hygieneFinding is one thing wrong with how the key is written.
type hygieneFinding struct {
	cause string
	text  string
}

var (
	percentEscape = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`%[0-9A-Fa-f]{2}`) })
	isPlaceholder = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(your[-_ ]?(api[-_ ]?)?key|<[^>]*>|\.\.\.|…|changeme|placeholder|replace[-_ ]?me|xxxxxxxx)`)
	})
)

// hygienePriority orders causes: the first found is the result's cause.
var hygienePriority = []string{"key-wrong-platform", "key-has-scheme", "key-quoted", "key-whitespace", "key-url-encoded", ""}

// keyHygiene describes every way the key is not a clean token. It never
// quotes the key: positions and character names only.
func keyHygiene(v string) []hygieneFinding {
	var fs []hygieneFinding
	add := func(cause, text string) { fs = append(fs, hygieneFinding{cause, text}) }

	if t := strings.TrimFunc(v, isBlank); t != v {
		text := edgeSpaceProblem(v)
		if strings.TrimSpace(v) != "" && strings.TrimFunc(v, unicode.IsSpace) != strings.TrimFunc(v, isBlank) {
			text = "has an invisible character at its start or end (zero-width space or byte-order mark)"
		}
		switch {
		case strings.HasSuffix(v, "\r\n") || strings.HasSuffix(v, "\r"):
			text += " — typical of a file saved with Windows line endings"
		case strings.HasSuffix(v, "\n"):
			text += " — typical of `heroku config:get` or $(cat file) without `| tr -d '[:space:]'`"
		case strings.HasPrefix(v, " ") || strings.HasSuffix(v, " "):
			text += " — typical of copy-paste"
		}
		add("key-whitespace", "the key "+text)
	}
	core := strings.TrimFunc(v, isBlank)
	if q := quoteWrap(core); q != "" {
		add("key-quoted", "the key is wrapped in "+q+": the quotes are sent as part of the key")
		_, n1 := utf8.DecodeRuneInString(core)
		_, n2 := utf8.DecodeLastRuneInString(core)
		core = strings.TrimFunc(core[n1:len(core)-n2], isBlank)
	} else if strings.ContainsAny(core[:min(len(core), 1)], `"'`) || (core != "" && strings.ContainsAny(core[len(core)-1:], `"'`)) {
		add("key-quoted", "the key starts or ends with a stray quote character")
	}
	lower := strings.ToLower(core)
	for _, scheme := range []string{"authorization: bearer ", "authorization:bearer ", "bearer "} {
		if strings.HasPrefix(lower, scheme) {
			add("key-has-scheme", "the key starts with \""+core[:len(scheme)]+"\": the client adds its own, so the header reads Authorization: Bearer Bearer …")
			core = strings.TrimFunc(core[len(scheme):], isBlank)
			lower = strings.ToLower(core)
			break
		}
	}

	switch {
	case strings.Contains(core, "://") || strings.HasPrefix(lower, "http:") || strings.HasPrefix(lower, "https:") || strings.HasPrefix(lower, "www."):
		add("key-wrong-platform", "the value is a URL, not an API key — are the key and base URL variables swapped?")
	case len(strings.Fields(core)) >= 3:
		add("key-wrong-platform", "the value is text ("+strconv.Itoa(len(strings.Fields(core)))+" words), not an API key")
	case isPlaceholder().MatchString(core):
		add("key-wrong-platform", "the value is a placeholder from the docs, not an API key: paste your real key")
	}

	// Characters inside the key, with their positions in the raw value.
	var spaces, controls, invisible, foreign []int
	var firstCtl, firstInv, firstForeign rune
	runes := []rune(v)
	lo, hi := 0, len(runes)
	for lo < hi && isBlank(runes[lo]) {
		lo++
	}
	for hi > lo && isBlank(runes[hi-1]) {
		hi--
	}
	for i, r := range runes {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || unicode.IsSpace(r):
			if i >= lo && i < hi {
				spaces = append(spaces, i+1)
			}
		case unicode.IsControl(r):
			if firstCtl == 0 {
				firstCtl = r
			}
			controls = append(controls, i+1)
		case unicode.Is(unicode.Cf, r):
			if i >= lo && i < hi {
				if firstInv == 0 {
					firstInv = r
				}
				invisible = append(invisible, i+1)
			}
		case r > unicode.MaxASCII && !strings.ContainsRune("“”‘’„", r):
			if firstForeign == 0 {
				firstForeign = r
			}
			foreign = append(foreign, i+1)
		}
	}
	if len(spaces) > 0 && !hasCause(fs, "key-wrong-platform") && !hasCause(fs, "key-has-scheme") {
		add("key-whitespace", "the key holds whitespace inside it, at "+linePositions(spaces)+" — a line break from copying out of a wrapped terminal or PDF?")
	}
	if len(controls) > 0 {
		add("key-whitespace", fmt.Sprintf("the key holds a control character (%U) at %s — invisible when printed, but sent to the server", firstCtl, linePositions(controls)))
	}
	if len(invisible) > 0 {
		add("key-whitespace", fmt.Sprintf("the key holds an invisible character (%U) at %s — typical of copying from a web page or chat", firstInv, linePositions(invisible)))
	}
	if len(foreign) > 0 {
		add("", fmt.Sprintf("the key holds a non-ASCII character (%U) at %s: keys are plain ASCII — a look-alike letter from copy-paste?", firstForeign, linePositions(foreign)))
	}

	if loc := percentEscape().FindStringIndex(core); loc != nil {
		esc := core[loc[0]:loc[1]]
		dec, _ := strconv.ParseUint(esc[1:], 16, 8)
		ch := strconv.QuoteRune(rune(dec))
		n := len(percentEscape().FindAllStringIndex(core, -1))
		add("key-url-encoded", fmt.Sprintf("the key holds %s (%s, which decodes to %s): it was URL-encoded — use the key exactly as issued",
			plural(n, "%-escape", "%-escapes"), esc, ch))
	}
	return fs
}

// isBlank is whitespace plus the invisible format characters that
// copy-paste brings along (zero-width space, byte-order mark).
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060' || r == '\u200c' || r == '\u200d'
}

func hasCause(fs []hygieneFinding, cause string) bool {
	for _, f := range fs {
		if f.cause == cause {
			return true
		}
	}
	return false
}

// linePositions is "character 12" or "characters 3, 9, 14 and 40 more".
func linePositions(ps []int) string {
	if len(ps) == 1 {
		return "character " + strconv.Itoa(ps[0])
	}
	var parts []string
	for i, p := range ps {
		if i == 3 {
			return "characters " + strings.Join(parts, ", ") + fmt.Sprintf(" and %d more", len(ps)-3)
		}
		parts = append(parts, strconv.Itoa(p))
	}
	return "characters " + strings.Join(parts, ", ")
}

// KeyHygiene checks that the key is a clean token: no whitespace, quotes,
// %-escapes, "Bearer " prefix or stray characters — each a 401 although the
// key "is right".
func KeyHygiene(_ context.Context, s *checks.Setup) checks.Result {
	r := keyResult(s, checks.CheckKeyHygiene, "API key is written cleanly")
	key, from := keyUnderTest(s)
	if key == "" {
		r.Status, r.Summary = checks.Skip, "no key to examine"
		return r
	}
	if s.Key.Empty() {
		r.Evidence.Key = keyEvidence(checks.NewSecret(key), from)
	}
	fs := keyHygiene(key)
	if len(fs) == 0 {
		r.Status = checks.Pass
		r.Summary = from + " is a clean token (" + strconv.Itoa(len([]rune(key))) + " characters, no spaces, quotes or escapes)"
		return r
	}
	for _, f := range fs {
		r.Details = append(r.Details, f.text)
	}
	for _, c := range hygienePriority {
		for _, f := range fs {
			if f.cause == c {
				r.Cause, r.Summary = c, from+": "+strings.TrimPrefix(strings.TrimPrefix(f.text, "the key "), "the value ")
				r.Status = checks.Fail
				if c == "" {
					r.Status = checks.Warn
				}
				if c == "key-wrong-platform" {
					r.Summary = from + " is not an API key: " + strings.TrimPrefix(f.text, "the value ")
				}
				return r
			}
		}
	}
	return r
}
