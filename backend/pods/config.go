package pods

import (
	"fmt"
	"path/filepath"
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
	// Listen is the address of the supervisor's HTTP API.
	Listen string `yaml:"listen"`
}

// configKeys is the hint shown next to an unknown key in podium.yml.
const configKeys = "name, default_target, specs, listen"

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
	return nil
}
