package pods

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The files `podium new` writes (cage's `new` template, rebuilt on busybox:latest so it runs
// with no registry). Design choice: the frontend runs image busybox:latest and has no build:
// (a build: would make `podium build` retag busybox:latest, and `up` would want to build),
// so its source tree src/frontend is declared as a local library in config/sources.yml and
// mounted through the io.fdy.cage.lib.frontend label. Out of the box web serves a page it
// writes itself; after `podium source mount frontend` it serves src/frontend live.
const (
	scaffoldPlaceholder = "{{name}}"

	scaffoldPodiumYML = `# Podium workspace settings; every key is optional.
name: {{name}}
default_target: development
`
	scaffoldGitignore = `/.podium/
/src/*
!/src/frontend/
/config/secrets.yml
`
	scaffoldCommonEnv = `# Variables for every service of every pod, in every target. The target's own
# pods/targets/<target>/common.env overrides these; a service's environment: beats both.
APP_NAME={{name}}
`
	scaffoldDB = `# A placeholder pod: stands in for a database in development and test, and starts
# before the service pods. Production would use a real one (see db.metadata.yml).
services:
  db:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM INT; echo db ready; while true; do sleep 1; done"]
    labels:
      io.fdy.cage.shell: sh
`
	scaffoldDBMetadata = `pod_type: placeholder
enable_in_targets: [development, test]
# Run by ` + "`podium up --init`" + ` once db is running: [service, command...].
run_on_init:
  - [rake, "echo creating the database"]
  - [rake, "echo migrating the database"]
`
	scaffoldFrontend = `# The app. Its source tree is src/frontend: ` + "`podium source mount frontend`" + ` bind-mounts it
# at /app (see config/sources.yml), so edits show up without a rebuild.
services:
  web:
    image: busybox:latest
    # httpd as PID 1 would ignore SIGTERM; an init process makes stop immediate.
    init: true
    command:
      - sh
      - -c
      - >-
        mkdir -p /app &&
        if [ ! -f /app/index.html ]; then echo '<h1>Hello from {{name}}</h1>' > /app/index.html; fi &&
        exec httpd -f -p 8080 -h /app
    ports:
      - "127.0.0.1::8080"
    environment:
      DATABASE_HOST: db
    healthcheck:
      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/"]
      interval: 2s
      timeout: 2s
      retries: 15
    labels:
      io.fdy.cage.srcdir: /app
      io.fdy.cage.shell: sh
      # The test serves the app as web does (the mounted source, else the default page) and
      # checks the page it gets.
      io.fdy.cage.test: >-
        sh -c 'mkdir -p /app && { test -f /app/index.html || echo "<h1>Hello from {{name}}</h1>" > /app/index.html; } &&
        httpd -p 8080 -h /app && wget -q -O- http://127.0.0.1:8080/ | grep -q "<h1>" && echo All tests passed'
      io.fdy.cage.lib.frontend: /app
`
	scaffoldFrontendProduction = `# Production changes to pods/frontend.yml. A target file may change services, never add them.
services:
  web:
    environment:
      ENABLE_CACHE: "true"
`
	scaffoldRake = `# A task pod: one-shot commands, never started by up. ` + "`podium run rake \"echo hi\"`" + `.
services:
  rake:
    image: busybox:latest
    entrypoint: ["sh", "-c"]
    command: ["echo 'rake: give a command, e.g. podium run rake \"echo hi\"'"]
`
	scaffoldRakeMetadata = `pod_type: task
services:
  rake:
    scripts:
      routes:
        - [rake, "echo GET / web#index"]
`
	scaffoldSources = `# Extra source trees. frontend is the local tree web serves; a git library looks like
#   coffee_rails: {context: "https://github.com/rails/coffee-rails.git"}
frontend:
  context: src/frontend
`
	scaffoldSecrets = `# Plain-text secrets added to services' environment last (git-ignored).
common:
  SECRET_KEY: development-secret
pods:
  frontend:
    web:
      ADMIN_PASSWORD: development-password
targets:
  production:
    common:
      SECRET_KEY: change-me
`
	scaffoldIndex = `<!doctype html>
<h1>Hello from {{name}}</h1>
<p>Served from src/frontend, mounted into the web service.</p>
`
)

// New creates a workspace called name under parent: podium.yml, a db placeholder, a frontend
// service and a rake task on busybox:latest, the development, test and production targets,
// config/ and src/frontend. It refuses an existing directory, and the tree appears at once
// (written to a temporary directory, then renamed).
func New(parent, name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("new: %q is not a usable workspace name; use a plain directory name such as myapp", name)
	}
	if ComposeProjectName(name, "") == "" {
		return fmt.Errorf("new: %q has no letters or digits to name a compose project after", name)
	}
	dest := filepath.Join(parent, name)
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("new: %s already exists; choose another name or remove it", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("new: %w", err)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+name+".new-")
	if err != nil {
		return fmt.Errorf("new: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	files := map[string]string{
		markerConfig:                           scaffoldPodiumYML,
		".gitignore":                           scaffoldGitignore,
		"pods/common.env":                      scaffoldCommonEnv,
		"pods/db.yml":                          scaffoldDB,
		"pods/db.metadata.yml":                 scaffoldDBMetadata,
		"pods/frontend.yml":                    scaffoldFrontend,
		"pods/rake.yml":                        scaffoldRake,
		"pods/rake.metadata.yml":               scaffoldRakeMetadata,
		"pods/targets/production/frontend.yml": scaffoldFrontendProduction,
		"config/sources.yml":                   scaffoldSources,
		"config/secrets.yml":                   scaffoldSecrets,
		"src/frontend/index.html":              scaffoldIndex,
	}
	for _, t := range []string{DefaultTarget, TestTarget, "production"} {
		files["pods/targets/"+t+"/common.env"] = "ENV=" + t + "\n"
	}
	for rel, content := range files {
		path := filepath.Join(tmp, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("new: %w", err)
		}
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(content, scaffoldPlaceholder, name)), 0o644); err != nil {
			return fmt.Errorf("new: %w", err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	return nil
}
