package replset

import (
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/model"
)

// Paths of the generated files, relative to the output directory.
const (
	InitiatePath   = "replset/rs-initiate.json"
	InitScriptPath = "replset/init-replset.js"
)

// Generate renders out/replset/.
func Generate(t *model.Topology) ([]generators.File, error) {
	if t.Sharding != nil {
		return generateSharded(t), nil
	}
	return []generators.File{
		{Path: InitiatePath, Data: MarshalConfig(InitiateConfig(t))},
		{Path: InitScriptPath, Data: InitScript(t)},
	}, nil
}
