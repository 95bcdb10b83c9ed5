package keymap

// Live is a binding as it works where the user is: the keys of it that still reach it there
// (a nearer context may have taken the others, as Resolve decides).
type Live struct {
	Binding
	Live []string
}

// Along lists the bindings of every context along Chain(ctx), nearest first, each with its live
// keys. An action bound in several contexts appears once per binding: the footer, the palette
// and the bulk-action hints each pick the occurrence they need.
func (k Keymap) Along(ctx Context) []Live {
	taken := map[string]bool{}
	var out []Live
	for _, c := range Chain(ctx) {
		for _, b := range k.Bindings[c] {
			var live []string
			for _, key := range b.Keys {
				if !taken[key] {
					live = append(live, key)
				}
			}
			for _, key := range b.Keys {
				taken[key] = true
			}
			out = append(out, Live{Binding: b, Live: live})
		}
	}
	return out
}
