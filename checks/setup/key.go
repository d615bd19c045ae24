package setup

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/unstuck-dev/unstuck/checks"
)

// cfgKeyResult starts a key check's result with the key's evidence.
func cfgKeyResult(s *checks.Setup, id, title string) checks.Result {
	r := cfgResult(s, id, title)
	if !s.Key.Empty() {
		r.Evidence.Key = cfgKeyEvidence(s.Key, s.KeyEnv)
		r.Evidence.KeySource = s.KeySource
	}
	return r
}

// cfgKeyUnderTest is the key the client sends; when the environment has
// none but the .env does, that value is examined instead, since it is what
// the app will send once it loads .env.
func cfgKeyUnderTest(s *checks.Setup) (key, from string) {
	if !s.Key.Empty() {
		return s.Key.Reveal(), s.KeyEnv
	}
	if v := s.EnvFileVars[s.KeyEnv]; v != "" {
		return v, s.KeyEnv + " in " + filepath.Base(s.EnvFilePath)
	}
	return "", ""
}

func cfgEnvFileWhere(s *checks.Setup, src checks.KeySource) string {
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
	start := time.Now()
	r := cfgKeyResult(s, checks.CheckKeyPresent, "API key is set")
	if s.KeyEnv == "" {
		r.Status, r.Cause = checks.Fail, "key-missing"
		r.Summary = "no variable to read the key from: pass --key-env NAME"
		return cfgFinish(s, r, start)
	}
	if !s.Key.Empty() {
		r.Status = checks.Pass
		r.Summary = s.KeyEnv + " is set: " + checks.Fingerprint(s.Key.Reveal()) + ", from the " + s.KeySource
		r.Details = append(r.Details, "profile "+s.Profile.Name+" ("+s.ProfileReason+")")
		if len(s.Profile.KeyEnvs) > 0 && !cfgContains(s.Profile.KeyEnvs, s.KeyEnv) && s.Config.KeyEnv == "" {
			r.Details = append(r.Details, strings.Join(s.Profile.KeyEnvs, " and ")+" ("+cfgTitle(s.Profile)+"'s own variable) is not set: the SDK falls back to "+s.KeyEnv+" — make sure that is a "+cfgTitle(s.Profile)+" key")
		}
		return cfgFinish(s, r, start)
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
		r.Evidence.Key = cfgKeyEvidence(checks.NewSecret(v), s.KeyEnv+" in .env")
		r.Evidence.KeySource = ".env"
		r.Summary = s.KeyEnv + " is not in this process's environment, but " + cfgEnvFileWhere(s, checks.KeySource{Where: ".env", Line: line}) + " holds it: SDKs never read .env themselves"
		r.Details = append(r.Details,
			"load it in the app (Python: from dotenv import load_dotenv; load_dotenv() — Node: node --env-file=.env, or import 'dotenv/config')",
			"or export it in the shell that starts the app: set -a; . ./.env; set +a",
		)
		return cfgFinish(s, r, start)
	}

	r.Cause = "key-missing"
	if _, set := s.Config.Env[s.KeyEnv]; set {
		r.Summary = s.KeyEnv + " is set but empty"
	} else {
		r.Summary = s.KeyEnv + " is not set in this process's environment"
	}
	own := clientKeyVars(s)
	for _, src := range s.Sources {
		if cfgContains(own, src.Name) {
			if strings.HasPrefix(src.Where, "shell profile") {
				r.Details = append(r.Details, cfgEnvFileWhere(s, src)+" exports "+src.Name+", but this shell did not load it: open a new terminal or source that file")
			}
			continue
		}
		r.Details = append(r.Details, src.Name+" is set in the "+cfgEnvFileWhere(s, src)+", but this client reads "+s.KeyEnv+cfgSuggestProvider(s, src.Name))
	}
	if s.ProfileReason != "" {
		r.Details = append(r.Details, "profile "+s.Profile.Name+" ("+s.ProfileReason+")")
	}
	return cfgFinish(s, r, start)
}

func cfgSuggestProvider(s *checks.Setup, varName string) string {
	for _, p := range s.Config.Profiles {
		if p.Name != s.Profile.Name && cfgContains(p.KeyEnvs, varName) {
			return " — did you mean --provider " + p.Name + " or --key-env " + varName + "?"
		}
	}
	return " — pass --key-env " + varName + " if your client reads that one"
}

// KeySources warns when the key the client uses is not the only one around:
// the classic "I changed the key but nothing changed".
func KeySources(_ context.Context, s *checks.Setup) checks.Result {
	start := time.Now()
	r := cfgKeyResult(s, checks.CheckKeySources, "One key, from one place")
	own := clientKeyVars(s)
	var mine, others []checks.KeySource
	for _, src := range s.Sources {
		if cfgContains(own, src.Name) {
			mine = append(mine, src)
		} else {
			others = append(others, src)
		}
	}
	if len(mine) == 0 {
		r.Status, r.Summary = checks.Skip, "no key found in the environment, .env or shell profiles"
		return cfgFinish(s, r, start)
	}

	distinct := map[string]bool{}
	for _, src := range mine {
		distinct[strings.TrimSpace(src.Value.Reveal())] = true
	}
	winner := s.Key.Reveal()
	for _, src := range mine {
		line := src.Where + " " + src.Name + ": " + checks.Fingerprint(src.Value.Reveal())
		if src.Where != "environment" {
			line = cfgEnvFileWhere(s, src) + " " + src.Name + ": " + checks.Fingerprint(src.Value.Reveal())
		}
		switch {
		case src.Where == "environment" && src.Name == s.KeyEnv:
			line += " ← your client uses this one"
		case src.Where == "environment":
			line += " — also read by the SDK" + cfgAlsoRead(s, src.Name)
		case src.Where == ".env" && winner != "":
			line += " — ignored while the environment has " + src.Name + ": dotenv loaders do not override a set variable (python-dotenv needs override=True)"
			if src.Name != s.KeyEnv {
				line = cfgEnvFileWhere(s, src) + " " + src.Name + ": " + checks.Fingerprint(src.Value.Reveal()) + " — read only if the app passes it"
			}
		case src.Where == ".env":
			line += " — used once the app loads .env"
		default:
			line += " — a new terminal starts with this value"
		}
		r.Details = append(r.Details, line)
	}
	for _, src := range others {
		r.Details = append(r.Details, "also set, for other clients: "+src.Name+" in the "+cfgEnvFileWhere(s, src)+": "+checks.Fingerprint(src.Value.Reveal()))
	}

	if len(distinct) < 2 {
		r.Status = checks.Pass
		if len(mine) == 1 {
			r.Summary = "one key, from the " + cfgEnvFileWhere(s, mine[0])
		} else {
			r.Summary = "the same key in every place (" + cfgPlural(len(mine), "source", "sources") + ")"
		}
		return cfgFinish(s, r, start)
	}
	r.Status, r.Cause = checks.Warn, "key-shadowed"
	used := "the " + s.KeySource + " (" + s.KeyEnv + ": " + checks.Fingerprint(winner) + ")"
	if winner == "" {
		used = "none yet — the environment has no " + s.KeyEnv
	}
	r.Summary = fmt.Sprintf("%d different keys for this client: it uses %s", len(distinct), used)
	return cfgFinish(s, r, start)
}

// cfgAlsoRead explains why a second variable of the same client matters.
func cfgAlsoRead(s *checks.Setup, name string) string {
	if name == "ANTHROPIC_AUTH_TOKEN" || (name == "ANTHROPIC_API_KEY" && s.KeyEnv == "ANTHROPIC_AUTH_TOKEN") {
		return " (the Anthropic SDK sends both: x-api-key and Authorization: Bearer)"
	}
	return " when the app does not pass the key itself"
}

// cfgHygieneFinding is one thing wrong with how the key is written.
type cfgHygieneFinding struct {
	cause string
	text  string
}

var (
	cfgPercentEscape = regexp.MustCompile(`%[0-9A-Fa-f]{2}`)
	cfgPlaceholder   = regexp.MustCompile(`(?i)(your[-_ ]?(api[-_ ]?)?key|<[^>]*>|\.\.\.|…|changeme|placeholder|replace[-_ ]?me|xxxxxxxx)`)
)

// cfgHygienePriority orders causes: the first found is the result's cause.
var cfgHygienePriority = []string{"key-wrong-platform", "key-has-scheme", "key-quoted", "key-whitespace", "key-url-encoded", ""}

// cfgKeyHygiene describes every way the key is not a clean token. It never
// quotes the key: positions and character names only.
func cfgKeyHygiene(v string) []cfgHygieneFinding {
	var fs []cfgHygieneFinding
	add := func(cause, text string) { fs = append(fs, cfgHygieneFinding{cause, text}) }

	if t := strings.TrimFunc(v, cfgIsBlank); t != v {
		text := cfgEdgeSpaceProblem(v)
		if strings.TrimSpace(v) != "" && strings.TrimFunc(v, unicode.IsSpace) != strings.TrimFunc(v, cfgIsBlank) {
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
	core := strings.TrimFunc(v, cfgIsBlank)
	if q := cfgQuoteWrap(core); q != "" {
		add("key-quoted", "the key is wrapped in "+q+": the quotes are sent as part of the key")
		_, n1 := utf8.DecodeRuneInString(core)
		_, n2 := utf8.DecodeLastRuneInString(core)
		core = strings.TrimFunc(core[n1:len(core)-n2], cfgIsBlank)
	} else if strings.ContainsAny(core[:min(len(core), 1)], `"'`) || (core != "" && strings.ContainsAny(core[len(core)-1:], `"'`)) {
		add("key-quoted", "the key starts or ends with a stray quote character")
	}
	lower := strings.ToLower(core)
	for _, scheme := range []string{"authorization: bearer ", "authorization:bearer ", "bearer "} {
		if strings.HasPrefix(lower, scheme) {
			add("key-has-scheme", "the key starts with \""+core[:len(scheme)]+"\": the client adds its own, so the header reads Authorization: Bearer Bearer …")
			core = strings.TrimFunc(core[len(scheme):], cfgIsBlank)
			lower = strings.ToLower(core)
			break
		}
	}

	switch {
	case strings.Contains(core, "://") || strings.HasPrefix(lower, "http:") || strings.HasPrefix(lower, "https:") || strings.HasPrefix(lower, "www."):
		add("key-wrong-platform", "the value is a URL, not an API key — are the key and base URL variables swapped?")
	case len(strings.Fields(core)) >= 3:
		add("key-wrong-platform", "the value is text ("+strconv.Itoa(len(strings.Fields(core)))+" words), not an API key")
	case cfgPlaceholder.MatchString(core):
		add("key-wrong-platform", "the value is a placeholder from the docs, not an API key: paste your real key")
	}

	// Characters inside the key, with their positions in the raw value.
	var spaces, controls, invisible, foreign []int
	var firstCtl, firstInv, firstForeign rune
	runes := []rune(v)
	lo, hi := 0, len(runes)
	for lo < hi && cfgIsBlank(runes[lo]) {
		lo++
	}
	for hi > lo && cfgIsBlank(runes[hi-1]) {
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
	if len(spaces) > 0 && !cfgHasCause(fs, "key-wrong-platform") && !cfgHasCause(fs, "key-has-scheme") {
		add("key-whitespace", "the key holds whitespace inside it, at "+cfgPositions(spaces)+" — a line break from copying out of a wrapped terminal or PDF?")
	}
	if len(controls) > 0 {
		add("key-whitespace", fmt.Sprintf("the key holds a control character (%U) at %s — invisible when printed, but sent to the server", firstCtl, cfgPositions(controls)))
	}
	if len(invisible) > 0 {
		add("key-whitespace", fmt.Sprintf("the key holds an invisible character (%U) at %s — typical of copying from a web page or chat", firstInv, cfgPositions(invisible)))
	}
	if len(foreign) > 0 {
		add("", fmt.Sprintf("the key holds a non-ASCII character (%U) at %s: keys are plain ASCII — a look-alike letter from copy-paste?", firstForeign, cfgPositions(foreign)))
	}

	if loc := cfgPercentEscape.FindStringIndex(core); loc != nil {
		esc := core[loc[0]:loc[1]]
		dec, _ := strconv.ParseUint(esc[1:], 16, 8)
		ch := strconv.QuoteRune(rune(dec))
		n := len(cfgPercentEscape.FindAllStringIndex(core, -1))
		add("key-url-encoded", fmt.Sprintf("the key holds %s (%s, which decodes to %s): it was URL-encoded — use the key exactly as issued",
			cfgPlural(n, "%-escape", "%-escapes"), esc, ch))
	}
	return fs
}

// cfgIsBlank is whitespace plus the invisible format characters that
// copy-paste brings along (zero-width space, byte-order mark).
func cfgIsBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060' || r == '\u200c' || r == '\u200d'
}

func cfgHasCause(fs []cfgHygieneFinding, cause string) bool {
	for _, f := range fs {
		if f.cause == cause {
			return true
		}
	}
	return false
}

// cfgPositions is "character 12" or "characters 3, 9, 14 and 40 more".
func cfgPositions(ps []int) string {
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
	start := time.Now()
	r := cfgKeyResult(s, checks.CheckKeyHygiene, "API key is written cleanly")
	key, from := cfgKeyUnderTest(s)
	if key == "" {
		r.Status, r.Summary = checks.Skip, "no key to examine"
		return cfgFinish(s, r, start)
	}
	if s.Key.Empty() {
		r.Evidence.Key = cfgKeyEvidence(checks.NewSecret(key), from)
	}
	fs := cfgKeyHygiene(key)
	if len(fs) == 0 {
		r.Status = checks.Pass
		r.Summary = from + " is a clean token (" + strconv.Itoa(len([]rune(key))) + " characters, no spaces, quotes or escapes)"
		return cfgFinish(s, r, start)
	}
	for _, f := range fs {
		r.Details = append(r.Details, f.text)
	}
	for _, c := range cfgHygienePriority {
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
				return cfgFinish(s, r, start)
			}
		}
	}
	return cfgFinish(s, r, start)
}

// cfgPlatform is a key issuer (content/keys.yaml, through Config.KeyIssuers).
type cfgPlatform = checks.KeyIssuer

var (
	cfgAmbiguousSK = cfgPlatform{ID: "ambiguous-sk", Title: "a bare sk- key (OpenAI legacy, DeepSeek, one-api/new-api or LiteLLM)"}
	cfgUnknownKey  = cfgPlatform{ID: "unknown", Title: "a key of unknown origin"}
)

// cfgDetectPlatform finds the key's issuer by its longest known prefix.
func cfgDetectPlatform(issuers []checks.KeyIssuer, key string) (cfgPlatform, string) {
	best, bestPrefix := cfgUnknownKey, ""
	for _, p := range issuers {
		for _, pre := range p.Prefixes {
			if strings.HasPrefix(key, pre) && len(pre) > len(bestPrefix) {
				best, bestPrefix = p, pre
			}
		}
	}
	if bestPrefix == "" && strings.HasPrefix(key, "sk-") {
		return cfgAmbiguousSK, "sk-"
	}
	return best, bestPrefix
}

// cfgPlatformOfHost finds the platform that runs a host.
func cfgPlatformOfHost(issuers []checks.KeyIssuer, host string) (cfgPlatform, bool) {
	for _, p := range issuers {
		if _, ok := cfgHostMatches(host, p.Hosts); ok && host != "" {
			return p, true
		}
	}
	return cfgPlatform{}, false
}

// KeyPlatform checks that the key was issued by the platform the base URL
// points at: an Anthropic key sent to OpenAI, or a relay's request without
// the relay's key prefix, is refused with a 401 that looks like a bad key.
func KeyPlatform(_ context.Context, s *checks.Setup) checks.Result {
	start := time.Now()
	r := cfgKeyResult(s, checks.CheckKeyPlatform, "API key belongs to this platform")
	key, from := cfgKeyUnderTest(s)
	if key == "" {
		r.Status, r.Summary = checks.Skip, "no key to examine"
		return cfgFinish(s, r, start)
	}
	key = strings.TrimFunc(strings.Trim(strings.TrimFunc(key, cfgIsBlank), `"'`), cfgIsBlank)
	if l := strings.ToLower(key); strings.HasPrefix(l, "bearer ") {
		key = strings.TrimSpace(key[len("bearer "):])
	}
	kp, prefix := cfgDetectPlatform(s.Config.KeyIssuers, key)
	r.Facts = map[string]string{"key-platform.platform": kp.ID}
	host := cfgHostOf(s.BaseURL)
	dest, destKnown := cfgPlatformOfHost(s.Config.KeyIssuers, host)
	shown := "prefix " + prefix
	if prefix == "" {
		shown = "no known prefix"
	}
	r.Details = append(r.Details, from+" is "+kp.Title+" ("+shown+")")
	if host != "" {
		r.Details = append(r.Details, "requests go to "+host+" ("+cfgTitle(s.Profile)+" profile)")
	}
	fail := func(summary string) checks.Result {
		r.Status, r.Cause, r.Summary = checks.Fail, "key-wrong-platform", summary
		return cfgFinish(s, r, start)
	}

	if kp.NotAPIKey != "" {
		return fail(from + " cannot work as an API key: " + kp.NotAPIKey)
	}
	if destKnown {
		switch {
		case kp.ID == dest.ID, kp.ID == cfgAmbiguousSK.ID && dest.BareSK:
		case kp.ID == cfgUnknownKey.ID && len(dest.Prefixes) == 0:
		default:
			want := "keys starting " + strings.Join(dest.Prefixes, " or ")
			if len(dest.Prefixes) == 0 {
				want = "its own keys"
			}
			return fail(from + " is " + kp.Title + ", but the base URL is " + host + ", which takes " + want)
		}
	} else if home, ok := cfgPlatformOfHost(s.Config.KeyIssuers, cfgHostOf(s.Profile.DefaultBaseURL)); ok && kp.Prefixes != nil &&
		kp.ID != home.ID && kp.ID != cfgAmbiguousSK.ID {
		// The user chose a first-party protocol (say openai) but the key is
		// plainly another platform's (sk-ant-…), whatever the base URL: a
		// server speaking that protocol will not take it.
		return fail(from + " is " + kp.Title + ", but you chose the " + cfgTitle(s.Profile) + " profile, which takes keys starting " + strings.Join(home.Prefixes, " or "))
	} else if need := s.Profile.KeyPrefixes; len(need) > 0 && !cfgHasAnyPrefix(key, need) {
		_, hostIsProfiles := cfgHostMatches(host, s.Profile.HostHints)
		if (hostIsProfiles && host != "") || s.Profile.DefaultBaseURL == "" {
			return fail(cfgTitle(s.Profile) + " keys start with " + strings.Join(need, " or ") + ", but " + from + " is " + kp.Title + " (" + shown + ")")
		}
	}

	r.Status = checks.Pass
	switch {
	case kp.ID == cfgAmbiguousSK.ID:
		r.Summary = from + " is a bare sk- key: it fits " + cfgTitle(s.Profile) + ", but the prefix alone cannot say which platform issued it"
	case kp.ID == cfgUnknownKey.ID:
		r.Summary = from + " has no prefix we know; nothing says it belongs elsewhere"
	case destKnown:
		r.Summary = from + " is " + kp.Title + ", sent to " + host
	default:
		r.Summary = from + " is " + kp.Title + "; " + cfgTitle(s.Profile) + " may accept it"
		r.Details = append(r.Details, "relays and gateways usually issue their own keys: a provider key works only if this one forwards it")
	}
	return cfgFinish(s, r, start)
}

// cfgFrontendPrefixes are variables that bundlers copy into code shipped to
// the browser.
var cfgFrontendPrefixes = []string{"NEXT_PUBLIC_", "VITE_", "REACT_APP_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "NUXT_ENV_", "PUBLIC_", "GATSBY_", "VUE_APP_", "STORYBOOK_"}

// cfgFrontendFiles are the env files the front-end tool chains read next to
// .env.
var cfgFrontendFiles = []string{".env", ".env.local", ".env.development", ".env.development.local", ".env.production", ".env.production.local"}

// FrontendEnv warns when a key sits in a variable that front-end bundlers
// publish to every visitor's browser.
func FrontendEnv(_ context.Context, s *checks.Setup) checks.Result {
	start := time.Now()
	r := cfgKeyResult(s, checks.CheckFrontendEnv, "No key in front-end variables")
	known := map[string]bool{}
	for _, src := range s.Sources {
		known[strings.TrimSpace(src.Value.Reveal())] = true
	}
	type hit struct{ name, where, value string }
	var hits []hit
	look := func(vars map[string]string, where string) {
		names := make([]string, 0, len(vars))
		for n := range vars {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := strings.TrimSpace(vars[n])
			if cfgFrontendName(n) && cfgKeyLikeValue(n, v, known) {
				hits = append(hits, hit{n, where, v})
			}
		}
	}
	look(s.Config.Env, "environment")
	dir := s.Config.WorkDir
	if s.EnvFilePath != "" {
		dir = filepath.Dir(s.EnvFilePath)
	}
	if dir != "" {
		for _, f := range cfgFrontendFiles {
			p := filepath.Join(dir, f)
			if data, err := cfgReadCapped(p, cfgEnvFileCap); err == nil {
				vars, _ := cfgLoadEnvFile(data)
				for _, v := range vars {
					s.Redactor.Add(v)
				}
				look(vars, p)
			}
		}
	}
	if len(hits) == 0 {
		r.Status, r.Summary = checks.Pass, "no key in NEXT_PUBLIC_, VITE_, REACT_APP_ or other front-end variables"
		return cfgFinish(s, r, start)
	}
	r.Status, r.Cause = checks.Warn, "key-in-frontend-env"
	r.Summary = hits[0].name + " (" + hits[0].where + ") holds a key: bundlers ship it to every visitor's browser"
	for _, h := range hits {
		r.Details = append(r.Details, h.name+" in "+h.where+": "+checks.Fingerprint(h.value))
	}
	r.Details = append(r.Details,
		"rename it without the public prefix (e.g. "+strings.TrimPrefix(cfgStripFrontendPrefix(hits[0].name), "_")+"), call the API from a server route (/api/chat), and rotate the key if the site was ever built with it")
	return cfgFinish(s, r, start)
}

func cfgFrontendName(n string) bool {
	u := strings.ToUpper(n)
	for _, p := range cfgFrontendPrefixes {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}

func cfgStripFrontendPrefix(n string) string {
	u := strings.ToUpper(n)
	for _, p := range cfgFrontendPrefixes {
		if strings.HasPrefix(u, p) {
			return n[len(p):]
		}
	}
	return n
}

// cfgKeyLikeValue: a value is a key when it is one we found elsewhere, looks
// like a known platform's key, or sits in a variable named like a secret and
// looks like a token.
func cfgKeyLikeValue(name, v string, known map[string]bool) bool {
	if len(v) < 8 {
		return false
	}
	if known[v] || checks.LooksLikeKey(v) {
		return true
	}
	return cfgSecretName(name) && len(v) >= 16 && !strings.ContainsAny(v, " \t/:") && !strings.HasPrefix(strings.ToLower(v), "pk_")
}
