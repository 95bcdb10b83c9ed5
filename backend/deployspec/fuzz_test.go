package deployspec

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fuzzSeeds adds every testdata spec file (good and broken) with one of the extensions as a seed.
func fuzzSeeds(f *testing.F, exts ...string) {
	files, _ := filepath.Glob(filepath.Join(parseTestdata, "*", "*"))
	for _, file := range files {
		for _, ext := range exts {
			if strings.HasSuffix(file, ext) {
				data, err := os.ReadFile(file)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(data)
			}
		}
	}
}

// fuzzCheck parses data as the given file and checks the parser's promises: no panic, every
// problem a *ParseError on one line, and a successful parse that survives Canonical →
// ParseCanonical unchanged.
func fuzzCheck(t *testing.T, file string, data []byte) {
	s, err := Parse("web", file, data)
	if err != nil {
		leaves := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			leaves = j.Unwrap()
		}
		for _, e := range leaves {
			var pe *ParseError
			if !errors.As(e, &pe) {
				t.Fatalf("not a *ParseError: %#v", e)
			}
			if strings.ContainsAny(e.Error(), "\n\r") {
				t.Fatalf("problem spans lines: %q", e.Error())
			}
			if !strings.HasPrefix(e.Error(), file+": ") {
				t.Fatalf("problem does not name the file: %q", e.Error())
			}
		}
		return
	}
	if s.Hash == "" || s.Create.Config == nil || s.Create.Image == "" {
		t.Fatalf("parsed without hash or image: %+v", s)
	}
	canon := s.Canonical()
	back, err := ParseCanonical("web", canon)
	if err != nil {
		t.Fatalf("canonical form does not parse: %v\n%s", err, canon)
	}
	back.File = s.File
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("round trip changed the spec:\n got %+v\nwant %+v\n%s", back, s, canon)
	}
	if again := back.Canonical(); string(again) != string(canon) {
		t.Fatalf("canonical form not stable:\n%s\n%s", canon, again)
	}
}

func FuzzParseEDN(f *testing.F) {
	fuzzSeeds(f, ".edn")
	f.Add([]byte(`{:spec {:Image "x" :ExposedPorts {"80" {}} :HostConfig {:PortBindings {"80/TCP" [{:HostIp "::1"}]}}}}`))
	f.Add([]byte(`{:spec {:Image "x" :NetworkingConfig {:EndpointsConfig {:bridge {:MacAddress "AA:BB:CC:DD:EE:FF"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCheck(t, "web.edn", data) })
}

func FuzzParseYAML(f *testing.F) {
	fuzzSeeds(f, ".yml", ".yaml")
	f.Add([]byte("a: &a [*a]\nspec: {Image: x}"))
	f.Add([]byte("spec:\n  Image: x\n  HostConfig: {Init: false, Mounts: [{Type: bind, Source: /a, Target: /b}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCheck(t, "web.yml", data) })
}

func FuzzParseJSON(f *testing.F) {
	fuzzSeeds(f, ".json")
	f.Add([]byte(`{"spec": {"Image": "x", "HostConfig": {"ConsoleSize": [1, 2], "Resources": {"Memory": 1}}}, "update": {"delay": "1.5s"}}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCheck(t, "web.json", data) })
}
