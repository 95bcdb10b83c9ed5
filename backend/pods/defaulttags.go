package pods

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/podiumdev/podium/backend/readlimit"
)

// defaultTags is a --default-tags file: the tag (or digest) to use for each image a pod names
// without one, so a release can pin every image from one list.
type defaultTags struct {
	file   string
	byRepo map[string]string // repository → full reference
}

// splitImageRef splits "host:5000/repo:tag" or "repo@sha256:…" into repository, tag and
// digest. A colon only starts a tag after the last slash (before it, it is a registry port).
func splitImageRef(ref string) (repo, tag, digest string) {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref, digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndexByte(ref, ':'); i >= 0 && i > strings.LastIndexByte(ref, '/') {
		return ref[:i], ref[i+1:], digest
	}
	return ref, "", digest
}

// readDefaultTags reads a default-tags file: one image:tag or image@digest per line; blank
// lines and # comments are skipped. Two different references for one image are an error.
func readDefaultTags(path string) (*defaultTags, error) {
	data, err := readFile(path, path)
	if readlimit.IsTooLarge(err) {
		return nil, fmt.Errorf("default tags: %w", err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("default tags file %s (--default-tags) does not exist", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read default tags: %w", err)
	}
	d := &defaultTags{file: path, byRepo: map[string]string{}}
	lineOf := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		repo, tag, digest := splitImageRef(line)
		if repo == "" || (tag == "" && digest == "") {
			return nil, fmt.Errorf("%s line %d: %q has no tag or digest; write image:tag or image@sha256:…", path, n, line)
		}
		if prev, ok := d.byRepo[repo]; ok && prev != line {
			return nil, fmt.Errorf("%s line %d: %s conflicts with %s on line %d; keep one default per image", path, n, line, prev, lineOf[repo])
		}
		d.byRepo[repo] = line
		lineOf[repo] = n
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read default tags %s: %w", path, err)
	}
	return d, nil
}

// apply gives an untagged image its default; images with a tag or digest are left alone. It
// returns a warning when the file has no entry for an untagged image.
func (d *defaultTags) apply(svc *types.ServiceConfig) string {
	if svc.Image == "" {
		return ""
	}
	repo, tag, digest := splitImageRef(svc.Image)
	if tag != "" || digest != "" {
		return ""
	}
	ref, ok := d.byRepo[repo]
	if !ok {
		return fmt.Sprintf("could not find a default tag for %s in %s", svc.Image, d.file)
	}
	svc.Image = ref
	return ""
}
