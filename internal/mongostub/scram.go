package mongostub

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// SCRAM-SHA-256 (RFC 5802, RFC 7677) as mongod runs it: saslStart carries
// the client-first message, saslContinue the client-final one; the reply to
// it has done: true and the server signature (the driver's options
// skipEmptyExchange). MongoDB's SCRAM-SHA-256 salts the SASLprep'd password
// itself; test passwords are ASCII, which SASLprep leaves unchanged.
// drivers refuse fewer than 4096 iterations (auth spec).
const scramIterations = 4096

var scramSalt = []byte("mongostub-salt-16")

type scramConv struct {
	user, clientFirstBare, serverFirst, nonce string
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

func scramFields(msg string) map[string]string {
	out := map[string]string{}
	for _, f := range strings.Split(msg, ",") {
		if k, v, ok := strings.Cut(f, "="); ok && len(k) == 1 {
			out[k] = v
		}
	}
	return out
}

func payloadOf(doc bson.D) string {
	switch p := lookup(doc, "payload").(type) {
	case bson.Binary:
		return string(p.Data)
	case string:
		return p
	}
	return ""
}

func saslReply(id int32, done bool, payload string) bson.D {
	return ok(
		bson.E{Key: "conversationId", Value: id},
		bson.E{Key: "done", Value: done},
		bson.E{Key: "payload", Value: bson.Binary{Data: []byte(payload)}},
	)
}

func authFailed() bson.D {
	return commandError(18, "AuthenticationFailed", "Authentication failed.")
}

// saslStart begins a conversation; s.mu is held.
func (c *connState) saslStart(doc bson.D) bson.D {
	if mech, _ := lookup(doc, "mechanism").(string); mech != "SCRAM-SHA-256" {
		return commandError(2, "BadValue", fmt.Sprintf("Unsupported mechanism %q", mech))
	}
	msg := payloadOf(doc)
	bare, found := strings.CutPrefix(msg, "n,,")
	if !found {
		return authFailed()
	}
	f := scramFields(bare)
	nonce := f["r"] + "c3R1Yi1zZXJ2ZXItbm9uY2U"
	c.conv = &scramConv{user: f["n"], clientFirstBare: bare, nonce: nonce}
	c.conv.serverFirst = fmt.Sprintf("r=%s,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(scramSalt), scramIterations)
	return saslReply(1, false, c.conv.serverFirst)
}

// saslContinue checks the client's proof against the stored password.
func (c *connState) saslContinue(s *Set, doc bson.D) bson.D {
	conv := c.conv
	if conv == nil {
		return commandError(17, "ProtocolError", "No SASL session state found")
	}
	msg := payloadOf(doc)
	if msg == "" && c.user != "" {
		return saslReply(1, true, "")
	}
	i := strings.LastIndex(msg, ",p=")
	if i < 0 {
		return authFailed()
	}
	withoutProof, proofB64 := msg[:i], msg[i+3:]
	if scramFields(withoutProof)["r"] != conv.nonce {
		return authFailed()
	}
	pwd, exists := s.passwords[conv.user]
	if !exists {
		return authFailed()
	}
	salted, err := pbkdf2.Key(sha256.New, pwd, scramSalt, scramIterations, sha256.Size)
	if err != nil {
		return authFailed()
	}
	authMessage := conv.clientFirstBare + "," + conv.serverFirst + "," + withoutProof
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	sig := hmacSHA256(stored[:], authMessage)
	proof, err := base64.StdEncoding.DecodeString(proofB64)
	if err != nil || len(proof) != len(sig) {
		return authFailed()
	}
	got := make([]byte, len(sig))
	for j := range sig {
		got[j] = proof[j] ^ sig[j]
	}
	if h := sha256.Sum256(got); subtle.ConstantTimeCompare(h[:], stored[:]) != 1 {
		return authFailed()
	}
	c.user = conv.user
	serverSig := hmacSHA256(hmacSHA256(salted, "Server Key"), authMessage)
	return saslReply(1, true, "v="+base64.StdEncoding.EncodeToString(serverSig))
}
