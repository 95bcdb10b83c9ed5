package compose

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// hashKeyOrder is the JSON key order of compose-go's ServiceConfig before v2.16 embedded
// ContainerSpec (which reordered the marshalled keys). Docker Compose v5.6 re-emits the service
// JSON in this order before hashing, so that the hash survived the reordering; it is frozen
// and must never change, or every existing container would look drifted.
const hashKeyOrder = "profiles annotations attach build develop blkio_config cap_add cap_drop " +
	"cgroup_parent cgroup cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime " +
	"cpus cpuset cpu_shares command configs container_name credential_spec depends_on deploy " +
	"device_cgroup_rules devices dns dns_opt dns_search dockerfile domainname entrypoint provider " +
	"environment env_file expose extends external_links extra_hosts group_add gpus hostname " +
	"healthcheck image init ipc isolation labels label_file links logging log_driver log_opt " +
	"mem_limit mem_reservation memswap_limit mem_swappiness mac_address models net network_mode " +
	"networks oom_kill_disable oom_score_adj pid pids_limit platform ports privileged pull_policy " +
	"read_only restart runtime scale secrets security_opt shm_size stdin_open stop_grace_period " +
	"stop_signal storage_opt sysctls tmpfs tty ulimits use_api_socket user userns_mode uts " +
	"volume_driver volumes volumes_from working_dir pre_start post_start pre_stop"

// ServiceHash computes Docker Compose's com.docker.compose.config-hash of a service: the sha256
// of its JSON without what does not change the container (build, pull_policy, scale,
// deploy.replicas, depends_on, profiles), with the top-level keys in Compose's frozen order.
// The service must be loaded as Compose loads it for hashing (see LoadForHash): env_file merged
// into environment.
func ServiceHash(s types.ServiceConfig) (string, error) {
	s.Build = nil
	s.PullPolicy = ""
	s.Scale = nil
	if s.Deploy != nil {
		d := *s.Deploy // the caller's Deploy must not change
		d.Replicas = nil
		s.Deploy = &d
	}
	s.DependsOn = nil
	s.Profiles = nil
	raw, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("config hash of service %s: %w", s.Name, err)
	}
	ordered, err := reorderKeys(raw, strings.Fields(hashKeyOrder))
	if err != nil {
		return "", fmt.Errorf("config hash of service %s: %w", s.Name, err)
	}
	sum := sha256.Sum256(ordered)
	return hex.EncodeToString(sum[:]), nil
}

// reorderKeys re-emits a JSON object with its keys in order, then the keys order does not name,
// sorted. Values are copied byte for byte.
func reorderKeys(raw []byte, order []string) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(fields))
	seen := make(map[string]bool, len(order))
	for _, k := range order {
		seen[k] = true
		if _, ok := fields[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range fields {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	keys = append(keys, rest...)

	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(fields[k])
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
