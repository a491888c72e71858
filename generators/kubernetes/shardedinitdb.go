package kubernetes

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/topogen/topogen/model"
	"github.com/topogen/topogen/sizing"
)

// The root user on a sharded cluster's members. The replica-set mode lets
// the mongo image's entrypoint create it on a first boot
// (MONGO_INITDB_ROOT_*): it starts a temporary standalone mongod from a
// copy of mongod.conf without systemLog, processManagement, net, security
// and replication (docker-library/mongo docker-entrypoint.sh,
// _parse_config), but it keeps sharding, and mongod refuses
// sharding.clusterRole without a replica set ("BadValue: Cannot start a
// shardsvr as a standalone server. Please use the option --replSet"; the
// same for configsvr). So in the sharded mode an init container does that
// step itself: on a first boot (no marker file), a temporary standalone
// mongod on loopback without the sharding role, the root user created if
// missing, a clean shutdown, the marker. mongod's files then exist, so the
// entrypoint skips its own initialisation. The credentials reach mongosh
// through the environment only.
const (
	initDBContainer = "initdb"
	initDBMarker    = dataDir + "/.topogen-initdb-done"
)

func initDBScript(port int) string {
	return fmt.Sprintf(`set -eu
if [ -e %[1]s ]; then exit 0; fi
mongod --dbpath %[2]s --bind_ip 127.0.0.1 --port %[3]d --wiredTigerCacheSizeGB 0.25 --fork --logpath %[4]s/initdb.log --pidfilepath %[4]s/initdb.pid
mongosh --quiet --host 127.0.0.1 --port %[3]d --eval 'const a = db.getSiblingDB("admin"); const u = process.env.MONGO_INITDB_ROOT_USERNAME; if (a.getUser(u) === null) { a.createUser({user: u, pwd: process.env.MONGO_INITDB_ROOT_PASSWORD, roles: [{role: "root", db: "admin"}]}) }'
mongod --dbpath %[2]s --shutdown
touch %[1]s
`, initDBMarker, dataDir, port, tmpDir)
}

func initDBContainerFor(t *model.Topology) corev1.Container {
	return corev1.Container{
		Name:    initDBContainer,
		Image:   t.MongoDB.Image,
		Command: []string{"sh", "-c", initDBScript(t.MongoDB.Port)},
		Env: []corev1.EnvVar{
			secretEnv("MONGO_INITDB_ROOT_USERNAME", secretAdmin, keyUsername),
			secretEnv("MONGO_INITDB_ROOT_PASSWORD", secretAdmin, keyPassword),
			{Name: "HOME", Value: tmpDir},
		},
		Resources: guaranteed(sizing.InitDB),
		VolumeMounts: []corev1.VolumeMount{
			{Name: "data", MountPath: dataDir},
			{Name: "tmp", MountPath: tmpDir},
		},
		SecurityContext: restrictedContainer(),
	}
}

// withInitDB adds the init container to a set's StatefulSet, after the
// PEM one.
func withInitDB(t *model.Topology, o object) object {
	sts := o.v.(appsv1.StatefulSet)
	spec := &sts.Spec.Template.Spec
	spec.InitContainers = append(spec.InitContainers, initDBContainerFor(t))
	o.v = sts
	return o
}
