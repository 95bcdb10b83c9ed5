package pods

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Config is podium.yml, the workspace's own settings. Every key is optional; an unknown key is
// an error, so a misspelt setting is never silently ignored.
type Config struct {
	// Name is the project name (overridden by -p).
	Name string `yaml:"name"`
	// DefaultTarget replaces "development" as the target used without --target.
	DefaultTarget string `yaml:"default_target"`
	// Specs are extra directories of supervised service specs, besides specs/.
	Specs []string `yaml:"specs"`
	// Listen is a TCP address (HOST:PORT) where the supervisor also serves its HTTP API; without
	// it the API is only on the workspace's private unix socket.
	Listen string `yaml:"listen"`
	// API guards the TCP listener.
	API APIConfig `yaml:"api"`
}

// APIConfig is podium.yml's `api:`: what the supervisor's TCP listener lets through.
type APIConfig struct {
	// Hosts are names accepted in the Host header besides loopback, localhost and the listen host.
	Hosts []string `yaml:"hosts"`
	// Origins may call the API from a browser (they get CORS headers); any other Origin gets 403.
	Origins []string `yaml:"origins"`
	// Read is "open" to let loopback GETs through without the token, else "" or "token".
	Read string `yaml:"read"`
	// TLS serves the TCP listener over HTTPS.
	TLS APITLS `yaml:"tls"`
}

// APITLS is the certificate and key of the TCP listener (paths relative to the workspace).
type APITLS struct {
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// ReadOpen says whether podium.yml lets loopback GETs through without the token.
func (a APIConfig) ReadOpen() bool { return a.Read == "open" }

// configKeys is the hint shown next to an unknown key in podium.yml.
const configKeys = "name, default_target, specs, listen, api (hosts, origins, read, tls: {cert, key})"

// ReadConfig reads root/podium.yml. A missing file is the zero Config.
func ReadConfig(root string) (Config, error) {
	var c Config
	if _, err := readStrict(filepath.Join(root, markerConfig), markerConfig, &c, configKeys); err != nil {
		return Config{}, err
	}
	if err := c.validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// validate checks what the YAML types cannot.
func (c Config) validate() error {
	for i, s := range c.Specs {
		if s == "" {
			return fmt.Errorf("%s: specs[%d] is empty; list directories such as `specs: [ops/specs]`", markerConfig, i)
		}
	}
	switch c.API.Read {
	case "", "open", "token":
	default:
		return fmt.Errorf("%s: api: read: %q: want open or token", markerConfig, c.API.Read)
	}
	if (c.API.TLS.Cert == "") != (c.API.TLS.Key == "") {
		return fmt.Errorf("%s: api: tls: give both cert and key", markerConfig)
	}
	for i, o := range c.API.Origins {
		if o == "" || o == "*" || !strings.Contains(o, "://") {
			return fmt.Errorf("%s: api: origins[%d] %q: want an origin such as https://ui.example (no wildcard)", markerConfig, i, o)
		}
	}
	return nil
}
