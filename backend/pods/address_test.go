package pods

import (
	"reflect"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func TestLookup(t *testing.T) {
	root := workspace(t, map[string]string{
		"pods/db.yml":    "services: {db: {image: busybox:latest}}\n",
		"pods/front.yml": "services: {web: {image: busybox:latest}, db: {image: busybox:latest}, proxy: {image: busybox:latest}}\n",
		"pods/admin.yml": "services: {web: {image: busybox:latest}, front: {image: busybox:latest}}\n",
	})
	w := load(t, root, LoadOptions{})
	for name, want := range map[string][2]string{
		"db":        {"db", ""},    // pod first, though a service db exists twice
		"front":     {"front", ""}, // pod first, though admin/front is a service
		"proxy":     {"front", "proxy"},
		"front/web": {"front", "web"},
		"admin/web": {"admin", "web"},
	} {
		p, svc, err := w.Lookup(name)
		if err != nil || p.Name != want[0] || svc != want[1] {
			t.Errorf("Lookup(%s) = %v %q %v, want %v", name, p, svc, err, want)
		}
	}
	_, _, err := w.Lookup("web")
	mustErr(t, err, "'web' is ambiguous: admin/web, front/web")
	_, _, err = w.Lookup("nope")
	mustErr(t, err, "unknown pod or service 'nope'", "pods: admin, db, front", "admin/front")
	_, _, err = w.Lookup("front/nope")
	mustErr(t, err, "pod 'front' has no service 'nope' (services: db, proxy, web)")
	_, _, err = w.Lookup("x/web")
	mustErr(t, err, "unknown pod 'x'")

	if p, svc, err := w.LookupService("front"); err != nil || p.Name != "admin" || svc != "front" {
		t.Errorf("LookupService(front) = %v %q %v", p, svc, err)
	}
	_, _, err = w.LookupService("db")
	mustErr(t, err, "'db' is ambiguous: db/db, front/db")
	_, _, err = w.LookupService("admin")
	mustErr(t, err, "'admin' is a pod; name one of its services (admin/front, admin/web)")
}

func TestServiceLabels(t *testing.T) {
	svc := types.ServiceConfig{Name: "web"}
	svc.Labels = types.Labels{}
	if Shell(svc) != "sh" || SrcDir(svc) != "/app" {
		t.Fatalf("defaults: %q %q", Shell(svc), SrcDir(svc))
	}
	_, err := TestCommand("frontend", svc)
	if err == nil || err.Error() != "specify a value for the label io.fdy.cage.test on service frontend/web to run tests" {
		t.Fatalf("err = %v", err)
	}
	svc.Labels[LabelTest] = `bundle exec rake "spec/a b_spec.rb" 'x $HOME' $HOME`
	got, err := TestCommand("frontend", svc)
	if want := []string{"bundle", "exec", "rake", "spec/a b_spec.rb", "x $HOME", "$HOME"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("TestCommand = %q %v, want %q", got, err, want)
	}
	svc.Labels[LabelTest] = "make test && echo ok"
	_, err = TestCommand("frontend", svc)
	mustErr(t, err, "shell operator", "sh -c")
	svc.Labels[LabelTest] = "echo 'unclosed"
	_, err = TestCommand("frontend", svc)
	mustErr(t, err, "io.fdy.cage.test on service frontend/web")

	w := load(t, fixture(t, "hello"), LoadOptions{Target: "production"})
	if got := w.PodLabels("frontend"); !reflect.DeepEqual(got, map[string]string{"dev.podium.pod": "frontend", "dev.podium.target": "production", "io.fdy.cage.pod": "frontend", "io.fdy.cage.target": "production"}) {
		t.Fatalf("PodLabels = %v", got)
	}
	cmd, err := TestCommand("frontend", service(t, w, "frontend", "proxy"))
	if err != nil || !reflect.DeepEqual(cmd, []string{"echo", "All tests passed"}) {
		t.Fatalf("hello proxy test = %q %v", cmd, err)
	}
}
