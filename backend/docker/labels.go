package docker

// The label scheme (DESIGN.md §4). Docker is the source of truth; these labels let Podium adopt
// what is already running after any restart, and let other tools see Podium's pods as Compose
// projects.
const (
	// Compose's own labels, written on pods exactly as Docker Compose writes them.
	LabelComposeProject     = "com.docker.compose.project"
	LabelComposeService     = "com.docker.compose.service"
	LabelComposeNumber      = "com.docker.compose.container-number"
	LabelComposeOneoff      = "com.docker.compose.oneoff"
	LabelComposeConfigHash  = "com.docker.compose.config-hash"
	LabelComposeDependsOn   = "com.docker.compose.depends_on"
	LabelComposeImage       = "com.docker.compose.image"
	LabelComposeConfigFiles = "com.docker.compose.project.config_files"
	LabelComposeWorkingDir  = "com.docker.compose.project.working_dir"
	LabelComposeVersion     = "com.docker.compose.version"
	LabelComposeNetwork     = "com.docker.compose.network"
	LabelComposeVolume      = "com.docker.compose.volume"

	// Pods.
	LabelPod    = "dev.podium.pod"
	LabelTarget = "dev.podium.target"
	// cage's labels, written beside Podium's on pods' containers and in exported files so
	// that cage's tools (and its `status`) find them; cage-made containers carry only these.
	LabelCagePod    = "io.fdy.cage.pod"
	LabelCageTarget = "io.fdy.cage.target"

	// Deploys.
	LabelDeploy   = "dev.podium.deploy"
	LabelSpecHash = "dev.podium.spec-hash"
	LabelRevision = "dev.podium.revision"
	// LabelSupervisor tells two supervisors on one engine apart (one per workspace): each
	// adopts, and removes as orphans, only containers carrying its own value.
	LabelSupervisor = "dev.podium.supervisor"

	// Pipelines.
	LabelPipeline = "dev.podium.pipeline"
	LabelRun      = "dev.podium.run"
	LabelNode     = "dev.podium.node"
	LabelPool     = "dev.podium.pool"

	// LabelDemo marks the containers `make demo` starts, with its workspace's absolute path as
	// the value, so that it removes only its own leftovers.
	LabelDemo = "dev.podium.demo"
	// LabelTest marks everything a test creates, with the test's id as the value.
	LabelTest = "dev.podium.test"
)
