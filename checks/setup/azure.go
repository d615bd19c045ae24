package setup

import (
	"net/url"
	"strings"

	"github.com/unstuck-dev/unstuck/checks"
)

// Profiles with deployment_in_path (Azure OpenAI) name a deployment where
// the model would be, in the path. The base URL is the resource endpoint
// (https://NAME.openai.azure.com), and the SDK (AzureOpenAI, or the OpenAI
// SDK with Azure's base) calls
//
//	{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=V
//
// The newer v1 API lives under {endpoint}/openai/v1 and is called like
// OpenAI's: {endpoint}/openai/v1/chat/completions, the deployment as model.

// deploymentShape is how a deployment_in_path base URL is read.
type deploymentShape struct {
	root        string // the resource endpoint, without a path
	v1          bool   // the /openai/v1 API
	deployment  string // from the URL, else the model
	fromURL     bool   // the deployment was named in the base URL
	version     string // api-version
	versionFrom string // "the base URL", "OPENAI_API_VERSION"
	extraPath   string // a path that is neither the root, /openai, a deployment nor /openai/v1
}

// readDeployment reads the base URL the way the Azure OpenAI SDKs use it.
func readDeployment(s *checks.Setup, u *url.URL) deploymentShape {
	var d deploymentShape
	userinfo := ""
	if u.User != nil {
		userinfo = u.User.String()
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	lower := strings.ToLower(path)
	cut := len(path)
	switch {
	case strings.HasSuffix(lower, "/openai/v1"):
		d.v1 = true
		cut = len(path) - len("/openai/v1")
	case strings.Contains(lower, "/openai/deployments/"):
		i := strings.Index(lower, "/openai/deployments/")
		rest := path[i+len("/openai/deployments/"):]
		name, _, _ := strings.Cut(rest, "/")
		if n, err := url.PathUnescape(name); err == nil {
			d.deployment, d.fromURL = n, n != ""
		}
		cut = i
	case strings.HasSuffix(lower, "/openai"):
		cut = len(path) - len("/openai")
	case path != "":
		d.extraPath = path
		cut = 0
	}
	if d.extraPath == "" {
		d.root = urlString(u, userinfo, path[:cut], "")
	} else {
		d.root = urlString(u, userinfo, "", "")
	}
	if !d.fromURL {
		d.deployment = s.Model
	}
	if v := u.Query().Get("api-version"); v != "" {
		d.version, d.versionFrom = v, "the base URL"
	} else if name, v := firstSet(s.Config.Env, s.Profile.APIVersionEnvs); name != "" {
		d.version, d.versionFrom = strings.TrimSpace(v), name
	}
	return d
}

// resolveDeployment replaces the request URL for deployment_in_path
// profiles with the one the Azure SDKs build. A deployments path without
// a deployment has no request URL. There is no models list: a data-plane
// key cannot list a resource's deployments.
func resolveDeployment(s *checks.Setup) {
	if !s.Profile.DeploymentInPath || s.BaseURL == "" {
		return
	}
	u, problem := parseBaseURL(s.BaseURL)
	if problem != "" {
		return
	}
	d := readDeployment(s, u)
	s.ModelsURL = ""
	if d.fromURL && s.Model == "" {
		// The deployment named in the URL is the model the client calls.
		s.Model, s.ModelSource = d.deployment, "the base URL's deployment"
	}
	switch {
	case d.extraPath != "":
		// Left as the SDK would call it; the base-url check says why it is wrong.
	case d.v1:
		s.Endpoint = d.root + "/openai/v1/chat/completions"
		if d.versionFrom == "the base URL" {
			s.Endpoint += "?" + url.Values{"api-version": {d.version}}.Encode()
		}
	case d.deployment == "":
		s.Endpoint = ""
	default:
		s.Endpoint = d.root + "/openai/deployments/" + url.PathEscape(d.deployment) + "/chat/completions"
		if d.version != "" {
			s.Endpoint += "?" + url.Values{"api-version": {d.version}}.Encode()
		}
	}
}

// deploymentBase is the base-url check for deployment_in_path profiles.
// It reports true when it filled r with a finding that ends the check.
func deploymentBase(r *checks.Result, s *checks.Setup, u *url.URL) bool {
	d := readDeployment(s, u)
	lower := strings.ToLower(strings.TrimRight(u.EscapedPath(), "/"))
	for _, ep := range fullEndpoints {
		if strings.HasSuffix(lower, ep) {
			r.Status, r.Cause = checks.Fail, "base-url-path"
			r.Summary = "the base URL is a full endpoint (ends with " + ep + "): give the resource endpoint, and the SDK adds the path"
			r.Details = append(r.Details, "write "+displayURL(d.root)+" (and the deployment as the model)")
			return true
		}
	}
	if d.extraPath != "" {
		r.Status, r.Cause = checks.Fail, "base-url-path"
		r.Summary = "the path " + d.extraPath + " is not one " + s.Profile.DisplayName() + " serves: the endpoint is the resource root, the SDK adds /openai/deployments/… or /openai/v1/…"
		r.Details = append(r.Details, "write "+displayURL(d.root))
		return true
	}
	if d.version != "" {
		r.Details = append(r.Details, "api-version "+d.version+" from "+d.versionFrom)
	}
	if d.v1 {
		r.Details = append(r.Details, "the v1 API: the deployment name goes in the request's model field")
		return false
	}
	if d.deployment != "" {
		from := "the model"
		if d.fromURL {
			from = "the base URL"
		}
		r.Details = append(r.Details, "deployment "+d.deployment+" (from "+from+")")
	}
	if d.version == "" {
		r.Status, r.Cause = checks.Fail, "api-version-invalid"
		r.Summary = "no api-version: the deployments path needs one, and " + s.Profile.DisplayName() + " answers 404 without it"
		r.Details = append(r.Details, "set "+strings.Join(s.Profile.APIVersionEnvs, " or ")+" (e.g. export OPENAI_API_VERSION=2024-10-21), or use the v1 API: "+displayURL(d.root)+"/openai/v1")
		return true
	}
	if d.deployment == "" {
		r.Status = checks.Warn
		r.Summary = "no deployment named: give your deployment's name as the model (--model" + modelEnvsHint(s) + ")"
		return true
	}
	return false
}

func modelEnvsHint(s *checks.Setup) string {
	if len(s.Profile.ModelEnvs) == 0 {
		return ""
	}
	return " or " + strings.Join(s.Profile.ModelEnvs, " / ")
}
