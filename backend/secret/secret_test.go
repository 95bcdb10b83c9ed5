package secret

import "testing"

func TestName(t *testing.T) {
	for key, want := range map[string]bool{
		"DB_PASSWORD": true, "MYSQL_ROOT_PASSWD": true, "CLIENT_SECRET": true, "GITHUB_TOKEN": true,
		"API_KEY": true, "apiKey": true, "KEY": true, "AWS_CREDENTIALS": true, "PRIVATE_KEY_FILE": true,
		"BASIC_AUTH": true, "db_password": true, "ssh-key": true,
		"MONKEY": false, "KEYBOARD_LAYOUT": false, "PATH": false, "HOME": false, "DATABASE_URL": false,
		"TURKEY_COUNT": false, "": false,
	} {
		if got := Name(key); got != want {
			t.Errorf("Name(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestMasker(t *testing.T) {
	m := Masker{Keys: map[string]bool{"WIDGET": true}}
	for _, c := range []struct {
		m          Masker
		key, value string
		want       string
	}{
		{m, "WIDGET", "hunter2", Masked},           // from the secrets file, innocent name
		{m, "DB_PASSWORD", "hunter2", Masked},      // secret-looking name
		{m, "PATH", "/bin", "/bin"},                // neither
		{m, "WIDGET", "", ""},                      // nothing to hide
		{Masker{}, "WIDGET", "hunter2", "hunter2"}, // no secrets file: by name only
		{Masker{}, "API_KEY", "k", Masked},
	} {
		if got := c.m.Mask(c.key, c.value); got != c.want {
			t.Errorf("%+v.Mask(%q, %q) = %q, want %q", c.m.Keys, c.key, c.value, got, c.want)
		}
	}
	if Mask("GITHUB_TOKEN", "x") != Masked || Mask("HOME", "/root") != "/root" {
		t.Error("Mask does not mask by name")
	}
}

func TestMaskText(t *testing.T) {
	env := []string{"DB_PASSWORD=hunter2", "PORT=8080", "API_KEY=", "FLAG"}
	for _, c := range []struct{ text, want string }{
		{"Env: [DB_PASSWORD=hunter2, PORT=8080]", "Env: [DB_PASSWORD=" + Masked + ", PORT=8080]"},
		{`  "DB_PASSWORD": "hunter2"`, `  "DB_PASSWORD": "` + Masked + `"`},
		{":Env [\"DB_PASSWORD=hunter2\"] ; hunter2", ":Env [\"DB_PASSWORD=" + Masked + "\"] ; " + Masked},
		{"# hunter2 is not on a line of its key", "# hunter2 is not on a line of its key"},
		{"API_KEY= FLAG", "API_KEY= FLAG"},
	} {
		if got := (Masker{}).MaskText(c.text, env); got != c.want {
			t.Errorf("MaskText(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	m := Masker{Keys: map[string]bool{"PORT": true}}
	if got := m.MaskText("a\nPORT: 8080\n", env); got != "a\nPORT: "+Masked+"\n" {
		t.Errorf("a key from a secrets file: %q", got)
	}
}

func TestMaskValues(t *testing.T) {
	env := []string{"DB_PASSWORD=hunter2-prod", "API_TOKEN=abc", "HOST=db.internal", "EMPTY_SECRET="}
	in := `create container api-1: Error response from daemon: invalid mount: /run/hunter2-prod/x; token abc in abcdef; host db.internal`
	got := Masker{}.MaskValues(in, env)
	want := `create container api-1: Error response from daemon: invalid mount: /run/` + Masked + `/x; token ` + Masked + ` in abcdef; host db.internal`
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}
