// Package regions embeds the default topology, which `topogen init`
// writes out as a starter. The .cue files beside this one are the topology
// itself (CUE package "regions"); `topogen gen` compiles them into out/.
package regions

import "embed"

// Files holds the default topology's .cue files.
//
//go:embed *.cue
var Files embed.FS
