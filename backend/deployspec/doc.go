// Package deployspec reads the files of supervised services: one spec file (condo's EDN, or
// YAML or JSON with the same keys) is one service. It parses and validates them, with every
// problem named by file and key, gives each spec its canonical form and hashes (the spec's, and
// the container's that deployed containers carry), and scans spec directories. The supervisor
// deploys what it returns; nothing here touches Docker.
package deployspec
