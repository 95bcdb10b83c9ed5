package pods

import (
	"strings"
	"testing"
)

// Acceptance 4 (environment): common.env < target common.env < env_file < environment <
// secrets (common < pod < target common < target pod).
func TestEnvPrecedence(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/common.env":                     "A=common\nB=common\nC=common\nD=common\nE=common\nPASS=common\nREF=${HOSTVAR}-x\n",
		"pods/targets/development/common.env": "B=target\nC=target\nD=target\nE=target\n",
		"pods/web.env":                        "C=envfile\nD=envfile\n",
		"pods/p.yml": `services:
  web:
    image: busybox:latest
    env_file: [web.env]
    environment:
      D: environment
      E: environment
      F: environment
      G: environment
      H: environment
      I: environment
      PASS:
      FROM_HOST: ${HOSTVAR}
      UNSET: ${NOPE}
      DEFAULTED: ${NOPE2:-dflt}
      LITERAL: $$HOME
  other:
    image: busybox:latest
`,
		"config/secrets.yml": `common: {F: s-common, G: s-common, H: s-common, I: s-common}
pods: {p: {web: {G: s-pod, H: s-pod, I: s-pod}}}
targets:
  development:
    common: {H: s-tcommon, I: s-tcommon}
    pods: {p: {web: {I: s-tpod}}}
  production:
    common: {I: s-prod}
`,
	})
	w := load(t, root, LoadOptions{Environ: []string{"HOSTVAR=h"}})
	web := service(t, w, "p", "web")
	for k, want := range map[string]string{
		"A": "common", "B": "target", "C": "envfile", "D": "environment", "E": "environment",
		"F": "s-common", "G": "s-pod", "H": "s-tcommon", "I": "s-tpod",
		"PASS": "common", "FROM_HOST": "h", "REF": "h-x", "UNSET": "", "DEFAULTED": "dflt", "LITERAL": "$HOME",
	} {
		if got := env(web, k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if len(web.EnvFiles) != 0 {
		t.Errorf("env files must be folded into environment: %v", web.EnvFiles)
	}
	other := service(t, w, "p", "other")
	if env(other, "G") != "s-common" || env(other, "I") != "s-tcommon" || env(other, "B") != "target" || env(other, "D") != "target" {
		t.Errorf("other env = %v", other.Environment)
	}
	warns := strings.Join(w.Pod("p").Warnings, "\n")
	if !strings.Contains(warns, "NOPE is not set") || strings.Contains(warns, "NOPE2") {
		t.Errorf("warnings = %q", warns)
	}

	// Interpolation happens at load time from the environment given, nothing is kept.
	w = load(t, root, LoadOptions{Environ: []string{"HOSTVAR=other"}})
	if got := env(service(t, w, "p", "web"), "FROM_HOST"); got != "other" {
		t.Errorf("FROM_HOST after a new load = %q", got)
	}
}

func TestEnvFileErrors(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/p.yml":         "services: {web: {image: busybox:latest}}\n",
		"config/secrets.yml": "common: {A: b}\npod: {}\n",
	})
	_, err := loadErr(root, LoadOptions{})
	mustErr(t, err, "config/secrets.yml", "unknown key 'pod'")

	root = workspace(t, map[string]string{
		"pods/p.yml":      "services: {web: {image: busybox:latest, env_file: [missing.env]}}\n",
		"pods/common.env": "A=1\n",
	})
	w := load(t, root, LoadOptions{})
	mustErr(t, w.Pod("p").Err, "load pod p", "missing.env")
}
