package pipeline

import (
	"fmt"
	"strings"
)

// Pretty draws the tree the way Conducto's Node.pretty() does, without
// colour: serial (and lazy) children get indices zero-padded to the width of
// the largest index, parallel children a blank; an exec or lazy line shows
// its command after three spaces, stripped, with newlines written as \n.
// The result ends with a newline, as Conducto's print(pretty()) did.
//
//	/
//	├─0 Build   echo docker build, make, npm i, etc.
//	└─1 Test
//	  ├─ app   echo run test for app
//	  └─ metrics   echo run test for metrics
func Pretty(p *Pipeline) string {
	if p == nil || p.Root == nil {
		return ""
	}
	var b strings.Builder
	pretty(&b, p.Root, "", "", "")
	return b.String()
}

// pretty mirrors Conducto's _pretty(node_prefix, child_prefix, index_str).
func pretty(b *strings.Builder, n *Node, nodePrefix, childPrefix, index string) {
	line := n.Name
	if n.Kind == Exec || n.Kind == Lazy {
		line = strings.ReplaceAll(strings.TrimSpace(n.Name+"   "+strings.TrimSpace(n.Command)), "\n", `\n`)
	}
	b.WriteString(nodePrefix + index + line + "\n")
	width := len(fmt.Sprint(len(n.Children) - 1))
	for i, c := range n.Children {
		idx := " "
		if n.Kind != Parallel {
			idx = fmt.Sprintf("%0*d ", width, i)
		}
		if i == len(n.Children)-1 {
			pretty(b, c, childPrefix+"└─", childPrefix+"  ", idx)
		} else {
			pretty(b, c, childPrefix+"├─", childPrefix+"│ ", idx)
		}
	}
}
