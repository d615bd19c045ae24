package probe

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/unstuck-dev/unstuck/checks"
	"github.com/unstuck-dev/unstuck/checks/classify"
	"github.com/unstuck-dev/unstuck/checks/setup"
	// The bundle alone, not its parent package: importing
	// x509roots/fallback would make these roots Go's own fallback and
	// change what the other checks verify against.
	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// CheckTrust verifies the API host's certificate chain the way the user's
// client would: with its runtime's own roots and the CA files its variables
// name, next to the system's roots that the ladder used.
const CheckTrust = "trust" // tls-failure

// TrustSpec: a chain the system trusts but the client does not, or a CA
// file the client refuses to start with, is the client's TLS failure.
var TrustSpec = checks.Spec{ID: CheckTrust, Proves: []string{"tls-failure"}}

// Limits on what a CA variable may make us read.
const (
	maxCAFile     = 4 << 20 // a CA bundle is a few hundred KiB; Mozilla's whole set is ~220 KiB
	maxCADirFiles = 1000    // files read from a folder (SSL_CERT_DIR)
)

const titleTrust = "Your client trusts the API's certificate"

// mozillaRoots is Mozilla's root set (the NSS store), which Node and Bun
// bundle and certifi copies: x/crypto's fallback bundle, with its
// distrust-after constraints.
var mozillaRoots = sync.OnceValue(func() *x509.CertPool {
	p := x509.NewCertPool()
	addMozillaRoots(p)
	return p
})

// mozillaCerts is the bundle parsed once, with its constraints.
var mozillaCerts = sync.OnceValue(func() []mozillaRoot {
	var out []mozillaRoot
	for r := range bundle.Roots() {
		c, err := x509.ParseCertificate(r.Certificate)
		if err != nil {
			continue
		}
		out = append(out, mozillaRoot{c, r.Constraint})
	}
	return out
})

type mozillaRoot struct {
	cert       *x509.Certificate
	constraint func([]*x509.Certificate) error
}

func addMozillaRoots(p *x509.CertPool) {
	for _, r := range mozillaCerts() {
		if r.constraint != nil {
			p.AddCertWithConstraint(r.cert, r.constraint)
		} else {
			p.AddCert(r.cert)
		}
	}
}

// clientRoots is what the probe's own connections trust when a client is
// known: the system's roots (system; nil is the operating system's store)
// and every root the client's runtimes trust on this machine (the Mozilla
// roots Node and Bun bundle, the CA files its variables name, read from its
// own environment). A chain the client accepts is then not the ladder's
// tls-failure; one only the system accepts still passes the ladder and is
// the trust check's to name. Without a client: system, unchanged.
func clientRoots(s *checks.Setup, system *x509.CertPool) *x509.CertPool {
	spec, ok := setup.FindClient(s.Config.Clients, s.Client)
	if s.Client == "" || !ok || len(spec.Trust) == 0 {
		return system
	}
	j := judge{mozilla: mozillaRoots(), env: clientEnv(s), workDir: s.Config.WorkDir}
	var extra []*x509.Certificate
	mozilla := false
	for _, t := range spec.Trust {
		ts := j.trustSet(t, spec.Title)
		mozilla = mozilla || slices.Contains(ts.pools, j.mozilla)
		if ts.file != nil {
			extra = append(extra, ts.file.certs...)
		}
	}
	if !mozilla && len(extra) == 0 {
		return system
	}
	var pool *x509.CertPool
	switch {
	case system != nil:
		pool = system.Clone()
	default:
		// On macOS and Windows this pool still asks the platform's
		// verifier first, then the roots added here.
		if p, err := x509.SystemCertPool(); err == nil {
			pool = p
		} else {
			pool = x509.NewCertPool()
		}
	}
	if mozilla {
		addMozillaRoots(pool)
	}
	for _, c := range extra {
		pool.AddCert(c)
	}
	return pool
}

// Trust runs its own walk down the ladder (so it sees the chain even
// through a proxy's tunnel) and judges the chain for each runtime the
// client ships on.
func Trust(ctx context.Context, s *checks.Setup) checks.Result {
	r := checks.Result{ID: CheckTrust, Title: titleTrust}
	spec, ok := setup.FindClient(s.Config.Clients, s.Client)
	if s.Client == "" || !ok || len(spec.Trust) == 0 {
		r.Status, r.Summary = checks.Skip, "no client named (--client): the system's roots, which the tls check used, are the only ones to compare"
		return r
	}
	c := sessionFor(s).client
	w := c.walkTo(ctx)
	switch {
	case w.target == nil:
		r.Status, r.Summary = checks.Skip, "not tried: there is no usable base URL to connect to"
		return r
	case w.target.Scheme != "https":
		r.Status, r.Summary = checks.Skip, "plain http: no certificate to trust"
		return r
	case len(w.peer) == 0:
		r.Status, r.Summary = checks.Skip, "not tried: the connection did not reach the server's certificate (the network checks say where it stopped)"
		return r
	}
	j := judge{
		chain:   w.peer,
		host:    w.host,
		system:  c.systemRoots,
		mozilla: mozillaRoots(),
		env:     clientEnv(s),
		shell:   s.Config.Env,
		workDir: s.Config.WorkDir,
	}
	return j.result(r, spec)
}

// clientEnv is the environment the client runs with: its own settings'
// variables over the shell's (Claude Code's settings.json "env"), else the
// shell's.
func clientEnv(s *checks.Setup) checks.Env {
	if s.ClientEnv != nil {
		return s.ClientEnv
	}
	return s.Config.Env
}

// judge verifies one chain for a client's runtimes. It does no network
// I/O; the files its variables name are read, bounded.
type judge struct {
	chain   []*x509.Certificate
	host    string
	now     time.Time      // zero: now
	system  *x509.CertPool // nil: the operating system's store
	mozilla *x509.CertPool
	env     checks.Env // the client's environment (its settings over the shell)
	shell   checks.Env // the shell's alone: a CA variable only the settings set is said so
	workDir string
}

// outcome is the verdict for one runtime, worst first.
type outcome struct {
	status  checks.Status
	cause   string
	summary string
	details []string
}

func rank(s checks.Status) int {
	return map[checks.Status]int{checks.Fail: 3, checks.Warn: 2, checks.Pass: 1}[s]
}

func (j judge) result(r checks.Result, spec checks.ClientSpec) checks.Result {
	var worst *outcome
	var details []string
	for _, t := range spec.Trust {
		o := j.runtime(spec, t)
		if len(spec.Trust) > 1 {
			details = append(details, t.Name+": "+o.summary)
		}
		details = append(details, o.details...)
		if worst == nil || rank(o.status) > rank(worst.status) {
			worst = &o
		}
	}
	r.Status, r.Cause, r.Summary = worst.status, worst.cause, worst.summary
	r.Details = append(details, classify.CertDetails(j.chain[0])...)
	if r.Cause != "" {
		r.Evidence.FailedLayer = checks.CheckTLS
	}
	return r
}

// trustSet is what one runtime trusts on this machine: its roots (the
// system's when system is set), the file its first variable names.
type trustSet struct {
	pools  []*x509.CertPool
	system bool // the system store is among them
	base   string
	file   *caFile
	lines  []string
	fatal  string // a file it refuses to start with
	broken string // a file it cannot use and ignores
}

type caFile struct {
	env, path string
	certs     []*x509.Certificate
	pool      *x509.CertPool
}

func (j judge) trustSet(t checks.ClientTrust, title string) trustSet {
	var ts trustSet
	switch t.Roots {
	case "system":
		ts.system, ts.base = true, "the system's roots"
	case "certifi":
		ts.pools, ts.base = []*x509.CertPool{j.mozilla}, "certifi's Mozilla roots"
	default:
		ts.pools, ts.base = []*x509.CertPool{j.mozilla}, "the Mozilla roots bundled in "+t.Name
	}
	var chosen *checks.CAFile
	for i := range t.CAFiles {
		f := &t.CAFiles[i]
		v := strings.TrimSpace(j.env[f.Env])
		switch {
		case v == "":
		case chosen == nil:
			chosen = f
		default:
			ts.lines = append(ts.lines, fmt.Sprintf("%s is set too, but %s reads %s first and not this one", f.Env, t.Name, chosen.Env))
		}
	}
	if chosen != nil {
		path := j.env[chosen.Env]
		if j.shell != nil && j.shell[chosen.Env] != path {
			ts.lines = append(ts.lines, chosen.Env+" is set in "+title+"'s own settings, not in the shell it starts from: some releases read CA variables only from the environment they start with, so if it still fails, export it in the shell too")
		}
		certs, problem := readCAs(j.resolve(strings.TrimSpace(path)), chosen.Dir)
		switch {
		case problem != "" && chosen.Broken == "fatal":
			ts.fatal = fmt.Sprintf("%s points to %s, which %s: %s cannot connect anywhere until it is fixed or unset", chosen.Env, path, problem, title)
		case problem != "":
			ts.broken = fmt.Sprintf("%s points to %s, which %s: %s ignores it", chosen.Env, path, problem, t.Name)
		default:
			p := x509.NewCertPool()
			for _, c := range certs {
				p.AddCert(c)
			}
			ts.file = &caFile{env: chosen.Env, path: path, certs: certs, pool: p}
			ts.lines = append(ts.lines, fmt.Sprintf("%s=%s: %d certificate(s), %s", chosen.Env, path, len(certs), map[string]string{"add": "added to " + ts.base, "replace": "used instead of " + ts.base}[chosen.Use]))
			if chosen.Use == "replace" {
				ts.pools, ts.system, ts.base = nil, false, chosen.Env
			}
			ts.pools = append(ts.pools, p)
		}
	}
	if on := j.systemCA(t); on != "" && !ts.system {
		ts.system = true
		ts.lines = append(ts.lines, on+": the system's roots are added")
	}
	return ts
}

// systemCA names what turns the system store on for this runtime, "" when
// nothing does: a variable set to 1, or a flag in NODE_OPTIONS.
func (j judge) systemCA(t checks.ClientTrust) string {
	opts := strings.Fields(j.env["NODE_OPTIONS"])
	for _, s := range t.SystemCA {
		if strings.HasPrefix(s, "--") {
			if slices.Contains(opts, s) {
				return "NODE_OPTIONS " + s
			}
		} else if strings.TrimSpace(j.env[s]) == "1" {
			return s + "=1"
		}
	}
	return ""
}

// resolve makes a relative path relative to the working folder, as the
// client started there would read it.
func (j judge) resolve(p string) string {
	if p == "" || filepath.IsAbs(p) || j.workDir == "" {
		return p
	}
	return filepath.Join(j.workDir, p)
}

// verify checks the chain against each pool, and the system's roots when
// system is set (j.system; nil is the operating system's store), and
// returns the chain's root from the first that accepts it.
func (j judge) verify(pools []*x509.CertPool, system bool) (*x509.Certificate, error) {
	inter := x509.NewCertPool()
	for _, c := range j.chain[1:] {
		inter.AddCert(c)
	}
	tries := slices.Clone(pools)
	if system {
		tries = append(tries, j.system)
	}
	err := errors.New("it trusts no roots at all")
	for _, p := range tries {
		chains, verr := j.chain[0].Verify(x509.VerifyOptions{DNSName: j.host, Roots: p, Intermediates: inter, CurrentTime: j.now})
		if verr == nil {
			return chains[0][len(chains[0])-1], nil
		}
		err = verr
	}
	return nil, err
}

func (j judge) runtime(spec checks.ClientSpec, t checks.ClientTrust) outcome {
	ts := j.trustSet(t, spec.Title)
	o := outcome{details: ts.lines}
	if ts.fatal != "" {
		o.status, o.cause, o.summary = checks.Fail, "tls-failure", ts.fatal
		return o
	}
	if ts.broken != "" {
		o.details = append(o.details, ts.broken)
	}
	clientRoot, clientErr := j.verify(ts.pools, ts.system)
	sysRoot, sysErr := j.verify(nil, true)
	via := ""
	if ts.file != nil && clientRoot != nil && inPool(ts.file.certs, clientRoot) {
		via = " through " + ts.file.env
	}
	switch {
	case clientErr == nil && sysErr == nil:
		o.status = checks.Pass
		o.summary = fmt.Sprintf("%s trusts this certificate%s, as the system does (root %s)", t.Name, via, certName(clientRoot))
		if ts.broken != "" {
			o.status = checks.Warn
			o.summary = ts.broken + "; it still trusts this certificate (root " + certName(clientRoot) + ")"
		}
	case clientErr == nil:
		o.status = checks.Warn
		o.summary = fmt.Sprintf("%s trusts this certificate%s (root %s), the system does not: %s connects, and so do these checks, which verify with its roots; other programs on this machine fail",
			t.Name, via, certName(clientRoot), spec.Title)
	case sysErr == nil:
		o.status, o.cause = checks.Fail, "tls-failure"
		o.summary = fmt.Sprintf("the system trusts this certificate, %s will not: its root %s is in neither %s nor %s",
			t.Name, certName(sysRoot), ts.base, caNames(t, ts))
		if t.SystemStore == "maybe" && !ts.system {
			o.status, o.cause = checks.Warn, ""
			o.summary += " (recent releases of " + spec.Title + " also read the system's roots; older ones fail here)"
		}
		o.details = append(o.details, fixLine(t, sysRoot))
	default:
		o.status, o.cause = checks.Fail, "tls-failure"
		v := classify.Transport(clientErr)
		o.summary = fmt.Sprintf("neither the system nor %s trusts this certificate: %s", t.Name, v.Reason)
		if ts.broken != "" {
			o.summary = ts.broken + "; " + o.summary
		}
	}
	return o
}

// caNames says what the runtime's CA variables hold, for a summary.
func caNames(t checks.ClientTrust, ts trustSet) string {
	if ts.file != nil {
		return ts.file.env + " (" + ts.file.path + ")"
	}
	var names []string
	for _, f := range t.CAFiles {
		names = append(names, f.Env)
	}
	if len(names) == 0 {
		return "any file it reads"
	}
	if ts.broken != "" {
		return strings.Join(names, " / ") + " (its file cannot be used)"
	}
	return strings.Join(names, " / ") + " (not set)"
}

// fixLine is how to make the runtime trust the root the system has.
func fixLine(t checks.ClientTrust, root *x509.Certificate) string {
	for _, f := range t.CAFiles {
		if f.Use == "add" && !f.Dir {
			return fmt.Sprintf("fix: save the root %s as PEM (from the system's store or your IT team) and export %s=/path/to/that.pem", certName(root), f.Env)
		}
	}
	for _, f := range t.CAFiles {
		if !f.Dir {
			return fmt.Sprintf("fix: %s replaces %s's roots, so point it at a bundle that holds the root %s and the public roots (the system's bundle, e.g. /etc/ssl/certs/ca-certificates.crt)", f.Env, t.Name, certName(root))
		}
	}
	return "fix: add the root " + certName(root) + " to what " + t.Name + " trusts"
}

func inPool(certs []*x509.Certificate, c *x509.Certificate) bool {
	return slices.ContainsFunc(certs, func(x *x509.Certificate) bool { return x.Equal(c) })
}

func certName(c *x509.Certificate) string {
	if c == nil {
		return "(unknown)"
	}
	n := c.Subject.CommonName
	if n == "" && len(c.Subject.Organization) > 0 {
		n = c.Subject.Organization[0]
	}
	if n == "" {
		n = c.Subject.String()
	}
	return "«" + clip(n, 80) + "»"
}

// readCAs reads the certificates a CA variable names, bounded, and says
// in a few words what is wrong when it cannot ("does not exist", "is a
// folder", "holds no PEM certificate").
func readCAs(path string, dir bool) ([]*x509.Certificate, string) {
	if path == "" {
		return nil, "is empty"
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, statProblem(err)
	case dir && !fi.IsDir():
		return nil, "is a file, not a folder"
	case !dir && fi.IsDir():
		return nil, "is a folder, not a file"
	case dir:
		return readCADir(path)
	}
	return readCAFile(path, fi)
}

func statProblem(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "does not exist"
	}
	return "cannot be read (" + errText(err) + ")"
}

// readCADir reads the certificates of a folder (SSL_CERT_DIR): at most
// maxCADirFiles files and four bundles' worth of bytes in all.
func readCADir(path string) ([]*x509.Certificate, string) {
	d, err := os.Open(path)
	if err != nil {
		return nil, "cannot be read (" + errText(err) + ")"
	}
	defer d.Close()
	entries, err := d.ReadDir(maxCADirFiles)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "cannot be read (" + errText(err) + ")"
	}
	var all []*x509.Certificate
	budget := int64(4 * maxCAFile)
	for _, e := range entries {
		p := filepath.Join(path, e.Name())
		fi, err := os.Stat(p) // follows the links /etc/ssl/certs is made of
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > budget {
			continue
		}
		budget -= fi.Size()
		if certs, problem := readCAFile(p, fi); problem == "" {
			all = append(all, certs...)
		}
	}
	if len(all) == 0 {
		return nil, "holds no readable PEM certificate"
	}
	return all, ""
}

// readCAFile reads one PEM bundle. Only a regular file is opened: a pipe
// would block the open, a device would never end.
func readCAFile(path string, fi fs.FileInfo) ([]*x509.Certificate, string) {
	if !fi.Mode().IsRegular() {
		return nil, "is not a regular file"
	}
	if fi.Size() > maxCAFile {
		return nil, fmt.Sprintf("is %d MiB: over %d MiB, not a CA bundle, not read", fi.Size()>>20, maxCAFile>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "cannot be read (" + errText(err) + ")"
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	switch {
	case err != nil:
		return nil, "cannot be read (" + errText(err) + ")"
	case len(data) > maxCAFile:
		return nil, fmt.Sprintf("is over %d MiB: not a CA bundle, not read", maxCAFile>>20)
	case len(data) == 0:
		return nil, "is empty"
	}
	var certs []*x509.Certificate
	bad := 0
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue // keys, CRLs: not roots
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			bad++
			continue
		}
		certs = append(certs, c)
	}
	switch {
	case len(certs) > 0:
		return certs, ""
	case bad > 0:
		return nil, fmt.Sprintf("holds %d PEM block(s) that are not valid certificates", bad)
	}
	if _, err := x509.ParseCertificate(data); err == nil {
		return nil, "is a DER (binary) certificate, not PEM: convert it with openssl x509 -inform der -in FILE -out FILE.pem"
	}
	return nil, "holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)"
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
