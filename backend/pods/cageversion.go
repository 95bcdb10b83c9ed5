package pods

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// CageLayoutVersion is the cage release whose project layout Podium reads: cage 0.4.1 (targets,
// sources unmounted by default, config/sources.yml). A config/project.yml whose cage_version
// requirement this version does not meet is refused.
const CageLayoutVersion = "0.4.1"

// projectFile is cage's config/project.yml.
const projectFile = "project.yml"

// cageProject is config/project.yml; cage read only cage_version from it.
type cageProject struct {
	CageVersion string `yaml:"cage_version"`
}

// checkCageVersion reads config/project.yml, if there is one, and refuses a cage_version
// requirement that CageLayoutVersion does not meet.
func checkCageVersion(root string) error {
	rel := configDir + "/" + projectFile
	var p cageProject
	found, err := readStrict(filepath.Join(root, configDir, projectFile), rel, &p, "cage_version")
	if err != nil || !found || strings.TrimSpace(p.CageVersion) == "" {
		return err
	}
	ok, err := semverMatches(p.CageVersion, CageLayoutVersion)
	if err != nil {
		return fmt.Errorf("%s: cage_version %q: %w", rel, p.CageVersion, err)
	}
	if !ok {
		return fmt.Errorf("%s specifies cage_version %s, but Podium reads the layout of cage %s; change the requirement or use that cage",
			rel, p.CageVersion, CageLayoutVersion)
	}
	return nil
}

// semverMatches says whether version meets req, a requirement as cage's semver crate read it:
// comparators separated by commas, each one of =, >, >=, <, <=, ~, ^ or none (meaning ^),
// followed by MAJOR[.MINOR[.PATCH]], where a missing or * part is a wildcard.
func semverMatches(req, version string) (bool, error) {
	v, n, err := parseSemver(version)
	if err != nil || n != 3 {
		return false, fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", version)
	}
	for _, c := range strings.Split(req, ",") {
		c = strings.TrimSpace(c)
		if c == "*" {
			continue
		}
		op := ""
		for _, o := range []string{">=", "<=", "=", ">", "<", "~", "^"} {
			if strings.HasPrefix(c, o) {
				op, c = o, strings.TrimSpace(c[len(o):])
				break
			}
		}
		r, parts, err := parseSemver(c)
		if err != nil {
			return false, err
		}
		if parts == 0 {
			continue // "*"
		}
		lo, hi := r, upperBound(op, r, parts)
		var ok bool
		switch op {
		case "=":
			ok = cmpSemver(v, lo) >= 0 && cmpSemver(v, upperBound("=", r, parts)) < 0
		case ">":
			ok = cmpSemver(v, upperBound("=", r, parts)) >= 0
		case ">=":
			ok = cmpSemver(v, lo) >= 0
		case "<":
			ok = cmpSemver(v, lo) < 0
		case "<=":
			ok = cmpSemver(v, upperBound("=", r, parts)) < 0
		default: // "", "^", "~"
			ok = cmpSemver(v, lo) >= 0 && cmpSemver(v, hi) < 0
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// parseSemver reads MAJOR[.MINOR[.PATCH]] (a pre-release or build suffix is ignored) and says
// how many parts were given before the first wildcard.
func parseSemver(s string) ([3]int, int, error) {
	var v [3]int
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	fields := strings.Split(s, ".")
	if len(fields) > 3 || s == "" {
		return v, 0, fmt.Errorf("%q is not a version such as 0.4.1", s)
	}
	for i, f := range fields {
		if f == "*" || f == "x" || f == "X" {
			return v, i, nil
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return v, 0, fmt.Errorf("%q is not a version such as 0.4.1", s)
		}
		v[i] = n
	}
	return v, len(fields), nil
}

// upperBound is the first version past what op with r (of parts given parts) allows.
func upperBound(op string, r [3]int, parts int) [3]int {
	switch {
	case op == "=" || (op == "~" && parts == 3) || (op == "~" && parts == 2):
		switch parts {
		case 1:
			return [3]int{r[0] + 1, 0, 0}
		case 2:
			return [3]int{r[0], r[1] + 1, 0}
		}
		if op == "~" {
			return [3]int{r[0], r[1] + 1, 0}
		}
		return [3]int{r[0], r[1], r[2] + 1}
	case op == "~" || parts == 1:
		return [3]int{r[0] + 1, 0, 0}
	case r[0] > 0:
		return [3]int{r[0] + 1, 0, 0}
	case r[1] > 0 || parts == 2:
		return [3]int{0, r[1] + 1, 0}
	default:
		return [3]int{0, 0, r[2] + 1}
	}
}

// cmpSemver orders two versions.
func cmpSemver(a, b [3]int) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
