package report

import (
	"fmt"
	"html"
	"strings"

	"github.com/topogen/topogen/impact"
)

// MaxCommentBytes bounds the Markdown: GitHub rejects a comment longer than
// 65536 characters, and a posting step that fails hides the whole report.
// The headlines and topology changes always fit; file diffs that would pass
// the bound are left out and counted, pointing at `topogen diff`.
const MaxCommentBytes = 60000

// classWords names a change's class in the comment.
func classWords(c impact.Class) string {
	switch c {
	case impact.Reconfig:
		return "replica-set reconfig"
	case impact.Rolling:
		return "rolling restart"
	}
	return string(c)
}

// classLabel is how a change's class reads in the comment; destructive
// changes carry the warning sign reviewers scan for.
func classLabel(c impact.Class) string {
	sign := map[impact.Class]string{
		impact.Destructive: "⚠️ ",
		impact.Reconfig:    "🔁 ",
		impact.Rolling:     "🔄 ",
		impact.Safe:        "✅ ",
	}[c]
	return sign + "**" + classWords(c) + "**"
}

// summaryText is the change's summary without a closing "(<class>)" that
// would repeat the label in front of it.
func summaryText(c impact.Change) string {
	s := strings.TrimSpace(c.Summary)
	if suffix := " (" + classWords(c.Class) + ")"; len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		s = s[:len(s)-len(suffix)]
	}
	return s
}

// Markdown renders the pull-request comment: a title, one headline per
// target with its file counts, one line per topology change, then each
// file's unified diff folded in a <details> block.
//
// plan, when not nil, adds the rollout plan after the topology changes.
func Markdown(files []FileChange, changes []impact.Change, plan *impact.Plan) []byte {
	files = sortFiles(files)
	changes = sortChanges(changes)
	var b strings.Builder

	destructive := 0
	for _, c := range changes {
		if c.Class == impact.Destructive {
			destructive++
		}
	}

	if len(files) == 0 && len(changes) == 0 {
		b.WriteString("## topogen diff: no changes\n\n`out/` matches the topology.\n")
		return []byte(b.String())
	}
	fmt.Fprintf(&b, "## topogen diff: %s, %s\n\n",
		plural(len(changes), "topology change", "topology changes"), plural(len(files), "file", "files"))
	if destructive > 0 {
		fmt.Fprintf(&b, "> [!CAUTION]\n> %s: data or infrastructure is replaced. Read the topology changes before merging.\n\n",
			plural(destructive, "destructive change", "destructive changes"))
	}

	b.WriteString("### Files by target\n\n")
	if len(files) == 0 {
		b.WriteString("No generated file changes.\n")
	}
	for _, tc := range countTargets(files) {
		var parts []string
		for _, p := range []struct {
			n    int
			what string
		}{{tc.Added, Added}, {tc.Changed, Changed}, {tc.Removed, Removed}} {
			if p.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
			}
		}
		fmt.Fprintf(&b, "- **%s**: %s\n", tc.Target, strings.Join(parts, ", "))
	}

	b.WriteString("\n### Topology changes\n\n")
	if len(changes) == 0 {
		b.WriteString("No topology-level change: the generated files differ for another reason (a topogen upgrade, or `out/` edited by hand).\n")
	}
	for _, c := range changes {
		fmt.Fprintf(&b, "- %s — %s", classLabel(c.Class), escape(summaryText(c)))
		if c.Path != "" {
			fmt.Fprintf(&b, " (`%s`)", c.Path)
		}
		b.WriteString("\n")
	}

	writePlan(&b, plan)

	if len(files) == 0 {
		return []byte(b.String())
	}
	b.WriteString("\n### Diffs\n")
	const omittedNote = "\n%s not shown: the comment would pass GitHub's size limit. Run `topogen diff` to see every file.\n"
	reserve := len(omittedNote) + 32
	for i, f := range files {
		s := fileSection(f)
		if b.Len()+len(s)+reserve > MaxCommentBytes {
			fmt.Fprintf(&b, omittedNote, plural(len(files)-i, "more file's diff is", "more files' diffs are"))
			break
		}
		b.WriteString(s)
	}
	return []byte(b.String())
}

// fileSection is one file's folded diff.
func fileSection(f FileChange) string {
	added, removed := f.Added, f.Removed
	var b strings.Builder
	fmt.Fprintf(&b, "\n<details><summary><code>%s</code> (%s, +%d −%d)</summary>\n\n", html.EscapeString(f.Path), f.Status, added, removed)
	if f.Diff == "" {
		b.WriteString("No textual diff.\n")
	} else {
		fence := fenceFor(f.Diff)
		b.WriteString(fence + "diff\n")
		b.WriteString(f.Diff)
		if !strings.HasSuffix(f.Diff, "\n") {
			b.WriteString("\n")
		}
		b.WriteString(fence + "\n")
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

// fenceFor returns a backtick fence longer than any backtick run in s, so a
// generated file quoting Markdown cannot close the code block early.
func fenceFor(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// escape keeps a plain-language summary from being read as HTML.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
