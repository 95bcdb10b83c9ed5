package deployspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

const parseTestdata = "../../testdata/specs"

// parseTestFile parses one testdata file, failing the test on error.
func parseTestFile(t *testing.T, rel string) Spec {
	t.Helper()
	s, err := ParseFile(filepath.Join(parseTestdata, rel))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return s
}

// parseTestErr parses inline content and returns its error text, failing if it parses.
func parseTestErr(t *testing.T, file, content string) string {
	t.Helper()
	_, err := Parse(parseServiceName(file), file, []byte(content))
	if err == nil {
		t.Fatalf("%s parsed, want an error:\n%s", file, content)
	}
	return err.Error()
}

func TestParseCondoReadmeFixtures(t *testing.T) {
	quick := parseTestFile(t, "condo/nginx.edn")
	if quick.Name != "nginx" || quick.Create.Image != "nginx:1.11.4-alpine" || quick.ContainerName != "" {
		t.Errorf("nginx.edn: name %q image %q container name %q", quick.Name, quick.Create.Image, quick.ContainerName)
	}
	if quick.Deploy != (Deploy{}) || quick.HealthTimeout != 10*time.Second || quick.StopTimeout != 10*time.Second {
		t.Errorf("nginx.edn: condo defaults not applied: %+v %v %v", quick.Deploy, quick.HealthTimeout, quick.StopTimeout)
	}
	if quick.Create.HostConfig != nil || quick.Create.NetworkingConfig != nil {
		t.Errorf("nginx.edn: HostConfig/NetworkingConfig set without being given")
	}

	oops := parseTestFile(t, "condo/nginx-oops.edn")
	if oops.Create.Image != "nginx:oops-alpine" || oops.Deploy != (Deploy{After: true, Delay: 5 * time.Second}) {
		t.Errorf("nginx-oops.edn: image %q deploy %+v", oops.Create.Image, oops.Deploy)
	}

	consul := parseTestFile(t, "condo/consul.edn")
	if consul.ContainerName != "consul" || consul.Create.Image != "consul:v0.7.0" {
		t.Errorf("consul.edn: container name %q image %q", consul.ContainerName, consul.Create.Image)
	}
	if want := []string{"agent", "-dev", "-client=0.0.0.0"}; !slices.Equal(consul.Create.Cmd, want) {
		t.Errorf("consul.edn: Cmd %q, want %q", consul.Create.Cmd, want)
	}
	wantPB := network.PortMap{network.MustParsePort("8500/tcp"): {{HostPort: "8500"}}}
	if consul.Create.HostConfig == nil || !reflect.DeepEqual(consul.Create.HostConfig.PortBindings, wantPB) {
		t.Errorf("consul.edn: PortBindings %+v, want %+v", consul.Create.HostConfig, wantPB)
	}

	vhost := parseTestFile(t, "condo/nginx-vhost.edn")
	if !slices.Equal(vhost.Create.Env, []string{"VIRTUAL_HOST=nginx"}) || !vhost.Deploy.After {
		t.Errorf("nginx-vhost.edn: Env %q deploy %+v", vhost.Create.Env, vhost.Deploy)
	}

	published := parseTestFile(t, "condo/nginx-published.edn")
	if published.Create.HostConfig == nil || !published.Create.HostConfig.PublishAllPorts {
		t.Errorf("nginx-published.edn: PublishAllPorts not set: %+v", published.Create.HostConfig)
	}

	reg := parseTestFile(t, "condo/registrator.edn")
	if reg.Create.HostConfig == nil || reg.Create.HostConfig.NetworkMode != "host" ||
		!slices.Equal(reg.Create.HostConfig.Binds, []string{"/var/run/docker.sock:/tmp/docker.sock"}) ||
		!slices.Equal(reg.Create.Cmd, []string{"consul://localhost:8500"}) {
		t.Errorf("registrator.edn: %+v %+v", reg.Create.Config, reg.Create.HostConfig)
	}

	tmpl := parseTestFile(t, "condo/consul_template.edn")
	if tmpl.Create.HostConfig == nil || !slices.Equal(tmpl.Create.HostConfig.Links, []string{"consul:consul"}) {
		t.Errorf("consul_template.edn: Links %+v", tmpl.Create.HostConfig)
	}

	proxy := parseTestFile(t, "condo/proxy.edn")
	if proxy.Create.HostConfig == nil || len(proxy.Create.HostConfig.PortBindings[network.MustParsePort("80/tcp")]) != 1 {
		t.Errorf("proxy.edn: PortBindings %+v", proxy.Create.HostConfig)
	}
}

func TestParseSameSpecInEveryFormatSameHash(t *testing.T) {
	names := []string{"nginx", "nginx-oops", "nginx-fixed", "consul", "consul_template", "nginx-vhost", "proxy", "nginx-published", "registrator", "web"}
	for _, name := range names {
		var files []string
		for _, pat := range []string{"condo/" + name + ".edn", "edn/" + name + ".edn", "yaml/" + name + ".y*ml", "json/" + name + ".json"} {
			m, _ := filepath.Glob(filepath.Join(parseTestdata, pat))
			files = append(files, m...)
		}
		if len(files) != 3 {
			t.Fatalf("%s: want one EDN, one YAML and one JSON file, found %q", name, files)
		}
		var first Spec
		for i, f := range files {
			s, err := ParseFile(f)
			if err != nil {
				t.Fatalf("%v", err)
			}
			s.File = ""
			if i == 0 {
				first = s
				continue
			}
			if s.Hash != first.Hash {
				t.Errorf("%s: hash %s differs from %s's %s:\n%s\n%s", f, s.Hash, files[0], first.Hash, s.Canonical(), first.Canonical())
			}
			if !reflect.DeepEqual(s, first) {
				t.Errorf("%s: parsed spec differs from %s's:\n%+v\n%+v", f, files[0], s, first)
			}
		}
	}
}

func TestParseExtendedKeys(t *testing.T) {
	s := parseTestFile(t, "yaml/web.yml")
	want := Update{Parallelism: 2, Delay: 5 * time.Second, Order: StartFirst, Failure: FailureRollback, HealthyDeadline: time.Minute}
	if s.Update != want {
		t.Errorf("update %+v, want %+v", s.Update, want)
	}
	if s.Replicas != 3 || s.MinHealthy != 2*time.Second || s.Pull != PullAlways ||
		s.HealthTimeout != 30*time.Second || s.StopTimeout != 5*time.Second || s.Deploy != (Deploy{After: true, Delay: 2 * time.Second}) {
		t.Errorf("got %+v", s)
	}
	if s.ContainerName != "web-main" || s.Create.Labels["team"] != "web" || s.Create.Healthcheck == nil ||
		s.Create.Healthcheck.Interval != 5*time.Second || s.Create.Healthcheck.Retries != 3 {
		t.Errorf("spec fields: %+v", s.Create.Config)
	}
	if _, ok := s.Create.ExposedPorts[network.MustParsePort("8080/tcp")]; !ok {
		t.Errorf("ExposedPorts %v", s.Create.ExposedPorts)
	}
	hc := s.Create.HostConfig
	if hc == nil || hc.RestartPolicy.Name != container.RestartPolicyOnFailure || hc.RestartPolicy.MaximumRetryCount != 5 ||
		hc.PortBindings[network.MustParsePort("8080/tcp")][0].HostIP.String() != "127.0.0.1" {
		t.Errorf("HostConfig %+v", hc)
	}
}

func TestParseDefaults(t *testing.T) {
	before, err := Parse("web", "web.edn", []byte(`{:spec {:Image "nginx"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Spec{
		Name: "web", File: "web.edn",
		Create:        container.CreateRequest{Config: &container.Config{Image: "nginx"}},
		Deploy:        Deploy{},
		HealthTimeout: 10 * time.Second, StopTimeout: 10 * time.Second,
		Replicas:      1,
		Update:        Update{Parallelism: 1, Order: StopFirst, Failure: FailureKeep, HealthyDeadline: 10 * time.Second},
		MinHealthy:    time.Second,
		Pull:          PullMissing,
		Hash:          before.Hash,
		ContainerHash: before.ContainerHash,
	}
	if !reflect.DeepEqual(before, want) {
		t.Errorf("defaults with Before:\n got %+v\nwant %+v", before, want)
	}
	after, err := Parse("web", "web.yml", []byte("spec: {Image: nginx}\ndeploy: [After, 3]\nhealth-timeout: 20\nreplicas: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if after.Update.Order != StartFirst || after.Update.HealthyDeadline != 20*time.Second || after.Replicas != 0 {
		t.Errorf("defaults with After: order %q healthy-deadline %v replicas %d", after.Update.Order, after.Update.HealthyDeadline, after.Replicas)
	}
	explicit, err := Parse("web", "web.json", []byte(`{"spec": {"Image": "nginx"}, "deploy": ["Before"], "health-timeout": 10, "stop-timeout": 10,
		"replicas": 1, "update": {"parallelism": 1, "delay": "0s", "order": "stop-first", "failure": "keep", "healthy-deadline": 10},
		"min-healthy": "1s", "pull": "missing"}`))
	if err != nil {
		t.Fatal(err)
	}
	if explicit.Hash != before.Hash {
		t.Errorf("writing the defaults out changed the hash")
	}
	nulls, err := Parse("web", "web.edn", []byte(`{:spec {:Image "nginx"} :deploy nil :health-timeout nil :update nil}`))
	if err != nil || nulls.Hash != before.Hash {
		t.Errorf("nil values should count as absent, as in condo: %v", err)
	}
}

func TestParseDeployForms(t *testing.T) {
	after5 := Deploy{After: true, Delay: 5 * time.Second}
	for _, tc := range []struct {
		file, content string
		want          Deploy
	}{
		{"a.edn", `{:spec {:Image "x"} :deploy [:Before]}`, Deploy{}},
		{"a.edn", `{:spec {:Image "x"} :deploy [:After 5]}`, after5},
		{"a.edn", `{:spec {:Image "x"} :deploy [:After 0]}`, Deploy{After: true}},
		{"a.yml", "spec: {Image: x}\ndeploy: [Before]", Deploy{}},
		{"a.yml", "spec: {Image: x}\ndeploy: [After, 5]", after5},
		{"a.yml", "spec: {Image: x}\ndeploy: {after: 5}", after5},
		{"a.yml", "spec: {Image: x}\ndeploy: before", Deploy{}},
		{"a.json", `{"spec": {"Image": "x"}, "deploy": ["After", 5]}`, after5},
		{"a.json", `{"spec": {"Image": "x"}, "deploy": {"After": 5}}`, after5},
		{"a.json", `{"spec": {"Image": "x"}, "deploy": "Before"}`, Deploy{}},
	} {
		s, err := Parse("a", tc.file, []byte(tc.content))
		if err != nil {
			t.Errorf("%s %s: %v", tc.file, tc.content, err)
			continue
		}
		if s.Deploy != tc.want {
			t.Errorf("%s %s: deploy %+v, want %+v", tc.file, tc.content, s.Deploy, tc.want)
		}
	}
}

func TestParseReformattingKeepsHash(t *testing.T) {
	base := parseTestFile(t, "condo/consul.edn")
	variants := map[string]string{
		"consul.edn": `;; the same consul, reformatted
{:spec {:HostConfig {:PortBindings {"8500/tcp" [{:HostPort "8500"}]}} ; key order changed
        :Cmd ["agent" "-dev" "-client=0.0.0.0"], :Image "consul:v0.7.0", :Name "consul"}
 :deploy [:Before] #_ "a discarded form"}`,
		"consul.yml":  "# a comment\nspec: {Image: 'consul:v0.7.0', Name: consul, Cmd: [agent, -dev, '-client=0.0.0.0'],\n  HostConfig: {PortBindings: {'8500/tcp': [{HostPort: '8500'}]}}}\nstop_timeout: 10\n",
		"consul.json": `{"spec":{"Name":"consul","Image":"consul:v0.7.0","Cmd":["agent","-dev","-client=0.0.0.0"],"HostConfig":{"PortBindings":{"8500/tcp":[{"HostPort":"8500"}]}}},"health-timeout":10}`,
	}
	for file, content := range variants {
		s, err := Parse("consul", file, []byte(content))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if s.Hash != base.Hash {
			t.Errorf("%s: hash changed by reformatting:\n%s\n%s", file, s.Canonical(), base.Canonical())
		}
	}
}

func TestParseHashChangesWithEveryValue(t *testing.T) {
	variants := []string{
		`{:spec {:Image "nginx"}}`,
		`{:spec {:Image "nginx:1"}}`,
		`{:spec {:Image "nginx" :Name "web-1"}}`,
		`{:spec {:Image "nginx" :Env ["A=1"]}}`,
		`{:spec {:Image "nginx" :Env []}}`,
		`{:spec {:Image "nginx" :HostConfig {}}}`,
		`{:spec {:Image "nginx" :HostConfig {:Init false}}}`,
		`{:spec {:Image "nginx"} :deploy [:After 0]}`,
		`{:spec {:Image "nginx"} :deploy [:After 1]}`,
		`{:spec {:Image "nginx"} :health-timeout 11}`,
		`{:spec {:Image "nginx"} :stop-timeout 11}`,
		`{:spec {:Image "nginx"} :replicas 2}`,
		`{:spec {:Image "nginx"} :update {:parallelism 2}}`,
		`{:spec {:Image "nginx"} :update {:delay 1}}`,
		`{:spec {:Image "nginx"} :update {:failure "rollback"}}`,
		`{:spec {:Image "nginx"} :update {:healthy-deadline "11s"}}`,
		`{:spec {:Image "nginx"} :min-healthy "2s"}`,
		`{:spec {:Image "nginx"} :pull "always"}`,
	}
	seen := map[string]string{}
	for _, v := range variants {
		s, err := Parse("web", "web.edn", []byte(v))
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if prev, ok := seen[s.Hash]; ok {
			t.Errorf("%s and %s have the same hash", v, prev)
		}
		seen[s.Hash] = v
	}
}

func TestParseHealthTimeoutAloneChangesHash(t *testing.T) {
	a, errA := Parse("web", "web.edn", []byte(`{:spec {:Image "nginx"} :deploy [:After 5]}`))
	b, errB := Parse("web", "web.edn", []byte(`{:spec {:Image "nginx"} :deploy [:After 5] :health-timeout 30}`))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a.Hash == b.Hash {
		t.Error("changing only :health-timeout must change the hash (condo redeploys on it)")
	}
}

func TestSpecCanonicalForm(t *testing.T) {
	s := parseTestFile(t, "condo/nginx-oops.edn")
	want := `{"deploy":["After",5],"health-timeout":10,"min-healthy":"1s","pull":"missing","replicas":1,` +
		`"spec":{"Image":"nginx:oops-alpine"},"stop-timeout":10,` +
		`"update":{"delay":"0s","failure":"keep","healthy-deadline":"10s","order":"start-first","parallelism":1}}`
	if got := string(s.Canonical()); got != want {
		t.Errorf("canonical form changed (this changes every deployed spec's hash):\n got %s\nwant %s", got, want)
	}
	if s.Hash != "7e02fccf64746dabfce20691ab217e9902d9f1e84d8d39185572d641567a3a45" {
		t.Errorf("hash of nginx-oops.edn changed: %s", s.Hash)
	}
}

func TestParseCanonicalRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(parseTestdata, "*", "*"))
	n := 0
	for _, f := range files {
		if !IsSpecFile(f) || strings.Contains(f, "broken") {
			continue
		}
		n++
		s, err := ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parseCheckRoundTrip(t, s)
	}
	if n < 25 {
		t.Errorf("only %d fixtures found", n)
	}
}

// parseCheckRoundTrip asserts Parse → Canonical → ParseCanonical gives an equal Spec (but for
// File) with the same Hash and the same canonical form.
func parseCheckRoundTrip(t *testing.T, s Spec) {
	t.Helper()
	canon := s.Canonical()
	if canon == nil {
		t.Fatalf("%s: no canonical form", s.File)
	}
	back, err := ParseCanonical(s.Name, canon)
	if err != nil {
		t.Fatalf("%s: canonical form does not parse: %v\n%s", s.File, err, canon)
	}
	if back.File != "" {
		t.Errorf("ParseCanonical set File %q", back.File)
	}
	back.File = s.File
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("%s: round trip changed the spec:\n got %+v\nwant %+v\n%s", s.File, back, s, canon)
	}
	if again := back.Canonical(); string(again) != string(canon) {
		t.Fatalf("%s: canonical form not stable:\n%s\n%s", s.File, canon, again)
	}
}

func TestParseBrokenFixtures(t *testing.T) {
	for file, want := range map[string][]string{
		"stale-nginx.edn": {
			`:spec :environment: unknown field (did you mean Env?)`,
			`:spec :image: unknown field (did you mean Image? names are case-sensitive)`,
			`:spec :Image is required: the image to run, like "nginx:1.27"`,
		},
		"self.edn":                  {`:spec is required: the container's fields go inside it, like {:spec {:Image "nginx"}} (condo's bare self.edn form is not supported)`},
		"no-spec.edn":               {`:spec is required: a map with the body of Docker's create-container call, like {:spec {:Image "nginx"}}`},
		"spec-not-map.edn":          {`:spec: expected a map with the body of Docker's create-container call, like {:spec {:Image "nginx"}}, got the string "nginx:1.11.4-alpine"`},
		"bad-deploy.edn":            {`:deploy: expected [:Before] or [:After n] (n: whole seconds the old container keeps running after the new one is healthy), got the vector ["After"]`},
		"health-timeout-string.edn": {`:health-timeout: expected whole seconds (an integer ≥ 1), got the string "10s"`},
		"port-binding-typo.edn":     {`:spec :HostConfig :PortBinding: unknown field (did you mean PortBindings?)`},
		"symbol.edn":                {`:spec :Image: unexpected bare symbol nginx: write a string "nginx" or a keyword :nginx`},
		"unclosed.edn":              {`not valid EDN: unexpected end of file: a bracket or string is not closed`},
		"bad-values.yml": {
			`replicas: expected an integer ≥ 0 (the number of containers to run), got the number -1`,
			`min-healthy: expected a duration ≥ 0 like "5s" or "1m30s", or whole seconds, got the string "-1s"`,
			`pull: expected missing, always or never, got the string "sometimes"`,
			`update.parallelism: expected an integer ≥ 1 (containers replaced per batch), got the number 0`,
			`update.delay: expected a duration ≥ 0 like "5s" or "1m30s", or whole seconds, got the string "soon"`,
			`update.failure: expected keep or rollback, got the string "retry"`,
			`update.healthy-deadline: expected a duration > 0 like "5s" or "1m30s", or whole seconds, got the string "0s"`,
		},
		"order-conflict.yml":    {`update.order: start-first conflicts with deploy [Before], which stops the old container before starting the new one; use deploy: [After, n] or drop order`},
		"two-docs.yml":          {`more than one YAML document; a spec file holds one map`},
		"host-port-number.json": {`spec.HostConfig.PortBindings["80/tcp"][0].HostPort: expected a string, got the number 8080`},
		"unclosed.json":         {`not valid JSON: unexpected end of file: a bracket or string is not closed`},
	} {
		path := filepath.Join(parseTestdata, "broken", file)
		_, err := ParseFile(path)
		if err == nil {
			t.Errorf("%s parsed", file)
			continue
		}
		var lines []string
		for _, l := range want {
			lines = append(lines, path+": "+l)
		}
		if got, w := err.Error(), strings.Join(lines, "\n"); got != w {
			t.Errorf("%s:\n got %s\nwant %s", file, got, w)
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Service != parseServiceName(file) || pe.File != path {
			t.Errorf("%s: error is not a *ParseError naming the service and file: %#v", file, err)
		}
	}
	all, _ := filepath.Glob(filepath.Join(parseTestdata, "broken", "*"))
	for _, f := range all {
		if IsSpecFile(f) {
			if _, err := ParseFile(f); err == nil {
				t.Errorf("%s parsed", f)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		file, content string
		want          []string // the error's lines, after "file: "
	}{
		// the file as a whole
		{"a.edn", ``, []string{`the file is empty; a spec is a map like {:spec {:Image "nginx"}}`}},
		{"a.yml", "# only a comment\n", []string{`the file is empty; a spec is a map like spec: {Image: nginx}`}},
		{"a.json", ` `, []string{`the file is empty; a spec is a map like {"spec": {"Image": "nginx"}}`}},
		{"a.edn", `[:spec]`, []string{`a spec file holds one map, like {:spec {:Image "nginx"}}; got the vector ["spec"]`}},
		{"a.edn", `{:spec {:Image "x"}} {:spec {:Image "y"}}`, []string{`more than one value in the file; a spec file holds one map`}},
		{"a.json", `{"spec": {"Image": "x"}} x`, []string{`not valid JSON: unexpected content after the spec's map (line 1, column 26)`}},
		{"a.json", "{\"spec\": {\"Image\": \"x\",}}", []string{`not valid JSON: invalid character '}' looking for beginning of object key string (line 1, column 24)`}},
		{"a.txt", `{}`, []string{`unknown spec format: the file name must end in .edn, .yml, .yaml or .json`}},
		{"my web.edn", `{:spec {:Image "x"}}`, []string{`the service name "my web" (the file's name without its extension) may hold only letters, digits, '_', '.' and '-', starting with a letter or digit`}},
		// top-level keys
		{"a.edn", `{:spec {:Image "x"} :helth-timeout 5}`, []string{`:helth-timeout: unknown key (did you mean health-timeout?)`}},
		{"a.yml", "spec: {Image: x}\nhealthTimeout: 5", []string{`healthTimeout: unknown key (did you mean health-timeout?)`}},
		{"a.yml", "spec: {Image: x}\nhealth-timeout: 5\nhealth_timeout: 6", []string{`health_timeout: given twice (also as health-timeout)`}},
		{"a.edn", `{:spec {:Image "x"} :health-timeout 1.5}`, []string{`:health-timeout: expected whole seconds (an integer ≥ 1), got the number 1.5`}},
		{"a.edn", `{:spec {:Image "x"} :health-timeout 5.0}`, []string{`:health-timeout: expected whole seconds (an integer ≥ 1), got the number 5.0`}},
		{"a.edn", `{:spec {:Image "x"} :health-timeout 0}`, []string{`:health-timeout: expected whole seconds (an integer ≥ 1), got the number 0`}},
		{"a.edn", `{:spec {:Image "x"} :stop-timeout -1}`, []string{`:stop-timeout: expected whole seconds (an integer ≥ 0), got the number -1`}},
		{"a.edn", `{:spec {:Image "x"} :deploy [:After -1]}`, []string{`:deploy 1: expected whole seconds ≥ 0 to keep the old container after the new one is healthy, got the number -1`}},
		{"a.edn", `{:spec {:Image "x"} :deploy :After}`, []string{`:deploy: expected [:Before] or [:After n] (n: whole seconds the old container keeps running after the new one is healthy), got the string "After"`}},
		{"a.yml", "spec: {Image: x}\ndeploy: [After, 5s]", []string{`deploy: expected [Before], [After, n], before or {after: n} (n: whole seconds the old container keeps running after the new one is healthy), got the list ["After","5s"]`}},
		{"a.json", `{"spec": {"Image": "x"}, "deploy": ["Sideways"]}`, []string{`deploy: expected ["Before"], ["After", n], "before" or {"after": n} (n: whole seconds the old container keeps running after the new one is healthy), got the list ["Sideways"]`}},
		{"a.yml", "spec: {Image: x}\nreplicas: two", []string{`replicas: expected an integer ≥ 0 (the number of containers to run), got the string "two"`}},
		{"a.yml", "spec: {Image: x}\npull: Always", []string{`pull: expected missing, always or never, got the string "Always" (did you mean always? names are case-sensitive)`}},
		{"a.yml", "spec: {Image: x}\nupdate: fast", []string{`update: expected a map with parallelism, delay, order, failure and healthy-deadline, got the string "fast"`}},
		{"a.yml", "spec: {Image: x}\nupdate: {paralelism: 2}", []string{`update.paralelism: unknown key (did you mean parallelism?)`}},
		{"a.yml", "spec: {Image: x}\nupdate: {order: first}", []string{`update.order: expected start-first or stop-first, got the string "first"`}},
		{"a.edn", `{:spec {:Image "x"} :deploy [:After 5] :update {:order "stop-first"}}`, []string{`:update :order: stop-first conflicts with :deploy [:After 5], which starts the new container beside the old one; use [:Before] or drop order`}},
		{"a.edn", `{:spec {:Image "x"} :update {:order "start-first"}}`, []string{`:update :order: start-first conflicts with :deploy [:Before] (the default), which stops the old container before starting the new one; use [:After n] or drop order`}},
		// spec
		{"a.edn", `{:spec {}}`, []string{`:spec :Image is required: the image to run, like "nginx:1.27"`}},
		{"a.edn", `{:spec {:Image ""}}`, []string{`:spec :Image: "" is not an image reference, like "nginx:1.27"`}},
		{"a.edn", `{:spec {:Image 5}}`, []string{`:spec :Image: expected a string, got the number 5`}},
		{"a.edn", `{:spec {:Image "x" :Name "a b"}}`, []string{`:spec :Name: "a b" is not a valid container name: at least two letters, digits, '_', '.' or '-', starting with a letter or digit`}},
		{"a.edn", `{:spec {:Image "x" :Imgae "y"}}`, []string{`:spec :Imgae: unknown field (did you mean Image?)`}},
		{"a.edn", `{:spec {:Image "x" :PortBindings {}}}`, []string{`:spec :PortBindings: unknown field (did you mean PortBindings inside HostConfig?)`}},
		{"a.edn", `{:spec {:Image "x" :command ["a"]}}`, []string{`:spec :command: unknown field (did you mean Cmd?)`}},
		{"a.edn", `{:spec {:Image "x" :Cmd "nginx -g"}}`, []string{`:spec :Cmd: expected a list of strings, got the string "nginx -g"`}},
		{"a.edn", `{:spec {:Image "x" :Env [1]}}`, []string{`:spec :Env 0: expected a string, got the number 1`}},
		{"a.edn", `{:spec {:Image "x" :Healthcheck {:Interval "5s"}}}`, []string{`:spec :Healthcheck :Interval: expected an integer number of nanoseconds (Docker's unit: 5s is 5000000000), got the string "5s"`}},
		{"a.edn", `{:spec {:Image "x" :ExposedPorts {"http" {}}}}`, []string{`:spec :ExposedPorts :http: "http" is not a valid key here: invalid port 'http': invalid syntax`}},
		{"a.edn", `{:spec {:Image "x" :HostConfig {:Memory 1e99}}}`, []string{`:spec :HostConfig :Memory: expected an integer, got the number 1e+99`}},
		{"a.edn", `{:spec {:Image "x" :HostConfig {:Memory 99999999999999999999N}}}`, []string{`:spec :HostConfig :Memory: the number 99999999999999999999 is out of range for this field`}},
		{"a.edn", `{:spec {:Image "x" :HostConfig {:Memory 99999999999999999999}}}`, []string{`not valid EDN: the number 99999999999999999999 is out of range (write big integers with an N suffix)`}},
		{"a.edn", `{:spec {:Image "x" :HostConfig {:PortBindings {"80/tcp" [{:HostIp "localhost"}]}}}}`, []string{`:spec :HostConfig :PortBindings "80/tcp" 0 :HostIp: "localhost" is not valid: ParseAddr("localhost"): unable to parse IP`}},
		{"a.edn", `{:spec {:Image "x" :Labels {:a 1}}}`, []string{`:spec :Labels :a: expected a string, got the number 1`}},
		{"a.edn", `{:spec {:Image "x" :Labels {"dev.podium.service" "web"}}}`, []string{`:spec :Labels :dev.podium.service: the dev.podium. label prefix is Podium's own: it marks the containers it manages`}},
		{"a.yml", "spec:\n  Image: x\n  Healthcheck: {Test: [CMD, 'true'], Interval: 5, Timeout: 1000000}", []string{`spec.Healthcheck.Interval: 5 nanoseconds is below Docker's minimum of 1ms: the unit is nanoseconds (5s is 5000000000)`}},
		{"a.yml", "spec:\n  Image: x\n  HostConfig: {portBindings: {}}", []string{`spec.HostConfig.portBindings: unknown field (did you mean PortBindings? names are case-sensitive)`}},
		{"a.yml", "spec:\n  Image: x\n  Labels: {built: 2024-01-01}", []string{`spec.Labels.built: unexpected timestamp: quote it to write a string`}},
		{"a.yml", "spec:\n  Image: x\n  Labels: {a: .nan}", []string{`spec.Labels.a: expected a finite number, got NaN`}},
		// EDN values with no JSON meaning
		{"a.edn", `{:spec {:Image "x" :Labels #{"a"}}}`, []string{`:spec :Labels: unexpected set #{…}: write a vector […]`}},
		{"a.edn", `{:spec {:Image \x}}`, []string{`:spec :Image: unexpected character literal: write a string`}},
		{"a.edn", `{:spec {:Image #foo "x"}}`, []string{`:spec :Image: unexpected tagged value #foo: write a plain value`}},
		{"a.edn", `{:spec {:Image "x" "Image" "y"}}`, []string{`:spec :Image: given twice (as a keyword and as a string)`}},
		{"a.edn", `{:spec {:Image "x"} [1] 2}`, []string{`unexpected map key of type *interface {}: keys must be keywords or strings`}},
		// several problems at once
		{"a.edn", `{:spec {:Imag "x"} :deploy [:Later] :replicas -2}`, []string{
			`:spec :Imag: unknown field (did you mean Image?)`,
			`:spec :Image is required: the image to run, like "nginx:1.27"`,
			`:deploy: expected [:Before] or [:After n] (n: whole seconds the old container keeps running after the new one is healthy), got the vector ["Later"]`,
			`:replicas: expected an integer ≥ 0 (the number of containers to run), got the number -2`,
		}},
	} {
		got := parseTestErr(t, tc.file, tc.content)
		var lines []string
		for _, l := range tc.want {
			lines = append(lines, tc.file+": "+l)
		}
		if want := strings.Join(lines, "\n"); got != want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.file, tc.content, got, want)
		}
	}
}

func TestParseDuplicateKeys(t *testing.T) {
	// YAML refuses a doubled key; the EDN and JSON decoders keep the last one (Clojure's reader
	// would refuse it, encoding/json does the same): deterministic, never a mix of both.
	got := parseTestErr(t, "a.yml", "spec: {Image: x}\nspec: {Image: y}\n")
	if !strings.Contains(got, `mapping key "spec" already defined`) {
		t.Errorf("yaml: %s", got)
	}
	for file, content := range map[string]string{
		"a.edn":  `{:spec {:Image "x"} :spec {:Image "y"}}`,
		"a.json": `{"spec": {"Image": "x"}, "spec": {"Image": "y"}}`,
	} {
		s, err := Parse("a", file, []byte(content))
		if err != nil || s.Create.Image != "y" {
			t.Errorf("%s: image %q, err %v; want the last key's y", file, s.Create.Image, err)
		}
	}
}

func TestParseErrorLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{:spec {:Image "x"`)
	for i := range 30 {
		fmt.Fprintf(&b, " :Bad%d 1", i)
	}
	b.WriteString(`}}`)
	got := parseTestErr(t, "a.edn", b.String())
	lines := strings.Split(got, "\n")
	if len(lines) != parseMaxErrors+1 || lines[len(lines)-1] != "a.edn: and 10 more problems" {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

func TestParseDeepNesting(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	for file, content := range map[string]string{
		"a.edn":  `{:spec {:Image "x" :Cmd ` + deep + `}}`,
		"a.json": `{"spec": {"Image": "x", "Cmd": ` + deep + `}}`,
		"a.yml":  "spec: {Image: x, Cmd: " + deep + "}",
	} {
		got := parseTestErr(t, file, content)
		if !strings.Contains(got, "deep") && !strings.Contains(got, "depth") {
			t.Errorf("%s: %s", file, got)
		}
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	_, err := ParseFile(filepath.Join(dir, "gone.edn"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	if want := filepath.Join(dir, "gone.edn") + ": cannot read: no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("missing file: %v, want %s", err, want)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`{"spec": {"Image": "x", "Env": ["`+strings.Repeat("x", parseMaxFileSize)+`"]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("big file: %v", err)
	}
	ok := filepath.Join(dir, "web.YML")
	if err := os.WriteFile(ok, []byte("spec: {Image: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := ParseFile(ok); err != nil || s.Name != "web" || s.File != ok {
		t.Errorf("web.YML: %+v %v", s, err)
	}
}

func TestParseCanonicalErrors(t *testing.T) {
	_, err := ParseCanonical("web", []byte(`{"spec": {}}`))
	if err == nil || err.Error() != `revision of web (canonical JSON): spec.Image is required: the image to run, like "nginx:1.27"` {
		t.Errorf("got %v", err)
	}
	if (Spec{}).Canonical() != nil {
		// A zero Spec has no image, but its canonical form can still be written; it just will not parse back.
		if _, err := ParseCanonical("web", (Spec{}).Canonical()); err == nil {
			t.Error("a zero Spec's canonical form parsed")
		}
	}
}

// parseTestFill sets every field reachable from v to a non-zero value that Docker's own types
// accept, so that a spec using every field can be built.
func parseTestFill(v reflect.Value, depth int) {
	switch x := v.Addr().Interface().(type) {
	case *network.Port:
		*x = network.MustParsePort("8080/tcp")
		return
	case *netip.Addr:
		*x = netip.MustParseAddr("10.0.0.1")
		return
	case *network.HardwareAddr:
		*x = network.HardwareAddr{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
		return
	case *netip.Prefix:
		*x = netip.MustParsePrefix("10.0.0.0/24")
		return
	}
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		parseTestFill(v.Elem(), depth+1)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				parseTestFill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		parseTestFill(v.Index(0), depth+1)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			parseTestFill(v.Index(i), depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		parseTestFill(k, depth+1)
		parseTestFill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString("s1")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int64:
		v.SetInt(5_000_000_000) // also a valid health-check duration
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	}
}

func TestParseEveryDockerField(t *testing.T) {
	// Whatever Docker's own types encode is accepted (so `docker inspect`-style JSON works), decodes
	// to the same request, and survives the canonical form.
	var cr container.CreateRequest
	parseTestFill(reflect.ValueOf(&cr).Elem(), 0)
	body, err := json.Marshal(cr)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse("web", "web.json", []byte(`{"spec": `+string(body)+`}`))
	if err != nil {
		t.Fatalf("%v", err)
	}
	if !reflect.DeepEqual(s.Create, cr) {
		t.Errorf("decoded request differs from the encoded one:\n got %+v\nwant %+v", s.Create, cr)
	}
	parseCheckRoundTrip(t, s)

	// The same with every pointer allocated but every value zero: the canonical form must keep
	// the pointers (Init: false is not Init: null).
	var zero container.CreateRequest
	parseTestFillPointers(reflect.ValueOf(&zero).Elem(), 0)
	zero.Image = "x"
	body, _ = json.Marshal(zero)
	s, err = Parse("web", "web.json", []byte(`{"spec": `+string(body)+`}`))
	if err != nil {
		t.Fatalf("%v", err)
	}
	parseCheckRoundTrip(t, s)
	if s.Create.HostConfig == nil || s.Create.HostConfig.Init == nil || *s.Create.HostConfig.Init {
		t.Errorf("Init: false lost: %+v", s.Create.HostConfig)
	}
}

// parseTestFillPointers allocates every pointer reachable from v, leaving values zero.
func parseTestFillPointers(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		parseTestFillPointers(v.Elem(), depth+1)
	case reflect.Struct:
		if _, custom := v.Addr().Interface().(interface{ MarshalText() ([]byte, error) }); custom {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				parseTestFillPointers(v.Field(i), depth+1)
			}
		}
	}
}

// The container hash, which containers carry in dev.podium.spec-hash, follows what makes the
// container and nothing else: a change of replicas or of how deploys run replaces no container.
func TestParseContainerHashIgnoresDeploySettings(t *testing.T) {
	base, err := Parse("web", "web.edn", []byte(`{:spec {:Image "nginx" :Env ["A=1"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{
		`{:spec {:Image "nginx" :Env ["A=1"]} :replicas 5}`,
		`{:spec {:Image "nginx" :Env ["A=1"]} :deploy [:After 3]}`,
		`{:spec {:Image "nginx" :Env ["A=1"]} :health-timeout 30 :stop-timeout 3 :min-healthy "2s" :pull "always"}`,
		`{:spec {:Image "nginx" :Env ["A=1"]} :update {:parallelism 2 :delay 1 :failure "rollback"}}`,
	} {
		s, err := Parse("web", "web.edn", []byte(v))
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if s.ContainerHash != base.ContainerHash {
			t.Errorf("%s: container hash changed", v)
		}
		if s.Hash == base.Hash {
			t.Errorf("%s: the spec's hash did not change", v)
		}
	}
	for _, v := range []string{
		`{:spec {:Image "nginx:1" :Env ["A=1"]}}`,
		`{:spec {:Image "nginx" :Env ["A=2"]}}`,
		`{:spec {:Image "nginx" :Env ["A=1"] :Name "web-1"}}`,
	} {
		s, err := Parse("web", "web.edn", []byte(v))
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if s.ContainerHash == base.ContainerHash {
			t.Errorf("%s: the container hash did not change", v)
		}
	}
}

// A NUL byte passes JSON and YAML but fails at the container's start: it is refused at parse
// time, with the file and the key.
func TestParseRefusesNUL(t *testing.T) {
	for _, tc := range []struct{ file, content, want string }{
		{"a.json", `{"spec": {"Image": "x", "Env": ["OK=1", "BAD=a\u0000b"]}}`, `spec.Env[1]: contains a NUL byte`},
		{"a.yml", "spec: {Image: x, Cmd: [\"sh\", \"a\\0b\"]}\n", `spec.Cmd[1]: contains a NUL byte`},
	} {
		_, err := Parse("a", tc.file, []byte(tc.content))
		if err == nil || !strings.Contains(err.Error(), tc.file) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: got %v, want an error naming the file and %q", tc.file, tc.content, err, tc.want)
		}
	}
}
