package mongostub

import (
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Error codes (mongodb/mongo src/mongo/base/error_codes.yml; the subset
// in ../shared/reference/mongodb-facts.md).
const (
	CodeUserNotFound       = 11
	CodeAlreadyInitialized = 23
	CodeCommandNotFound    = 59
	CodeNodeNotFound       = 74
	CodeNotYetInitialized  = 94
	CodeNodeNotElectable   = 104
	CodeNotWritablePrimary = 10107
	CodeDuplicateKey       = 11000
	CodeUserAlreadyExists  = 51003
	CodeRoleNotFound       = 31
	CodeRoleAlreadyExists  = 51002
)

// Error codes of the sharding commands (mongodb/mongo
// src/mongo/base/error_codes.yml).
const (
	CodeBadValue                      = 2
	CodeIllegalOperation              = 20
	CodeShardKeyNotFound              = 61
	CodeShardNotFound                 = 70
	CodeOperationFailed               = 96
	CodeFailedToSatisfyReadPreference = 133
	CodeZoneNotFound                  = 177
	CodeRangeOverlapConflict          = 178
)

func commandError(code int, codeName, msg string) bson.D {
	return bson.D{
		{Key: "ok", Value: 0.0},
		{Key: "errmsg", Value: msg},
		{Key: "code", Value: int32(code)},
		{Key: "codeName", Value: codeName},
	}
}

func ok(fields ...bson.E) bson.D { return append(bson.D(fields), bson.E{Key: "ok", Value: 1.0}) }

// notWritablePrimary: a write on a member that is not the primary
// (NotWritablePrimary 10107, "not primary").
func notWritablePrimary() bson.D {
	return commandError(CodeNotWritablePrimary, "NotWritablePrimary", "not primary")
}

// notYetInitialized: ReplicationCoordinatorImpl::checkReplEnabledForCommand,
// used by replSetGetStatus and replSetGetConfig before any config.
func notYetInitialized() bson.D {
	d := commandError(CodeNotYetInitialized, "NotYetInitialized", "no replset config has been received")
	return append(bson.D{{Key: "info", Value: "run rs.initiate(...) if not yet done for the set"}}, d...)
}
