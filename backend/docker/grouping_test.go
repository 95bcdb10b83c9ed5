package docker

import (
	"slices"
	"testing"
)

func TestGroupOrder(t *testing.T) {
	c := func(name, project, service string) Container {
		l := map[string]string{}
		if project != "" {
			l[LabelComposeProject] = project
		}
		if service != "" {
			l[LabelComposeService] = service
		}
		return Container{Name: name, Labels: l}
	}
	cs := []Container{
		c("zeta", "", ""),
		c("shop-web-2", "shop", "web"),
		c("alpha", "", ""),
		c("blog-db-1", "blog", "db"),
		c("shop-web-1", "shop", "web"),
		c("shop-oneoff", "shop", ""),
		c("shop-db-1", "shop", "db"),
	}
	var got []string
	for _, p := range GroupOrder(cs) {
		if cs[p.Index].Name != p.Name || GroupOf(&cs[p.Index]) != p.Group {
			t.Fatalf("%+v does not describe container %d", p, p.Index)
		}
		got = append(got, p.Name)
	}
	want := []string{"blog-db-1", "shop-oneoff", "shop-db-1", "shop-web-1", "shop-web-2", "alpha", "zeta"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if cs[0].Name != "zeta" {
		t.Fatal("GroupOrder changed its input")
	}
}
