// Package compose is Podium's Compose engine: given a compose-go project it makes the Docker
// Engine match it, the way Docker Compose does — project networks and volumes, containers
// created from the Engine API's own create body, started in dependency order with depends_on
// conditions, and recreated only where Compose's config hash changed. Every container carries
// Compose's full label set, so `docker compose ps` sees a Podium project as its own and the two
// agree on what has drifted.
//
// Docker is the source of truth: nothing is remembered between calls; containers are found by
// their com.docker.compose.* labels through backend/docker, the only package that talks to the
// engine.
package compose
