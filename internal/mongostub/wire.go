// Package mongostub is a scripted mongod for behaviour tests: a small
// MongoDB wire-protocol server on 127.0.0.1 that answers the way a mongod
// 7.0/8.0 replica-set member answers in a chosen state, and records every
// command it receives. The real mongosh (or any driver) talks to it; the
// tests assert what the generated scripts sent and printed.
//
// Wire protocol (MongoDB manual, "MongoDB Wire Protocol"; mongodb/mongo
// src/mongo/rpc/op_msg.h): a 16-byte header (messageLength, requestID,
// responseTo, opCode, little-endian int32), then OP_QUERY (2004, only for
// the connection handshake since 5.1) answered by OP_REPLY (1), or OP_MSG
// (2013) answered by OP_MSG. No compression is advertised, so drivers never
// send OP_COMPRESSED.
package mongostub

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/v2/bson"
)

const (
	opReply = 1
	opQuery = 2004
	opMsg   = 2013

	// OP_MSG flag bits (op_msg.h): checksumPresent, moreToCome.
	flagChecksumPresent = 1 << 0
	flagMoreToCome      = 1 << 1

	maxMessage = 48_000_000 // maxMessageSizeBytes a mongod advertises
)

// request is one decoded command.
type request struct {
	id     int32
	opCode int32
	db     string // OP_MSG: $db; OP_QUERY: the part of fullCollectionName before ".$cmd"
	body   bson.D // the command document, document sequences folded in
	noResp bool   // OP_MSG moreToCome: the client expects no reply
}

func readRequest(r *bufio.Reader) (*request, error) {
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	size := int32(binary.LittleEndian.Uint32(hdr[0:]))
	if size < 16 || size > maxMessage {
		return nil, fmt.Errorf("mongostub: message length %d", size)
	}
	payload := make([]byte, size-16)
	if _, err := io.ReadFull(r, payload); err != nil {
		return nil, err
	}
	req := &request{
		id:     int32(binary.LittleEndian.Uint32(hdr[4:])),
		opCode: int32(binary.LittleEndian.Uint32(hdr[12:])),
	}
	var err error
	switch req.opCode {
	case opQuery:
		err = req.parseQuery(payload)
	case opMsg:
		err = req.parseMsg(payload)
	default:
		err = fmt.Errorf("mongostub: unsupported opCode %d", req.opCode)
	}
	return req, err
}

// parseQuery: flags int32, fullCollectionName cstring, numberToSkip int32,
// numberToReturn int32, query document (, returnFieldsSelector).
func (req *request) parseQuery(p []byte) error {
	if len(p) < 4 {
		return errors.New("mongostub: short OP_QUERY")
	}
	p = p[4:]
	i := bytes.IndexByte(p, 0)
	if i < 0 || len(p) < i+9 {
		return errors.New("mongostub: bad OP_QUERY collection name")
	}
	coll := string(p[:i])
	req.db, _, _ = cut(coll, ".")
	doc, err := readDoc(p[i+9:])
	if err != nil {
		return err
	}
	req.body, err = toD(doc)
	if err != nil {
		return err
	}
	// Legacy commands may wrap the command in $query/query.
	if len(req.body) > 0 && (req.body[0].Key == "$query" || req.body[0].Key == "query") {
		if inner, ok := req.body[0].Value.(bson.D); ok {
			req.body = inner
		}
	}
	return nil
}

// parseMsg: flagBits uint32, sections (kind 0: body; kind 1: size int32,
// identifier cstring, documents), optional CRC-32C checksum.
func (req *request) parseMsg(p []byte) error {
	if len(p) < 5 {
		return errors.New("mongostub: short OP_MSG")
	}
	flags := binary.LittleEndian.Uint32(p)
	req.noResp = flags&flagMoreToCome != 0
	p = p[4:]
	if flags&flagChecksumPresent != 0 {
		if len(p) < 4 {
			return errors.New("mongostub: OP_MSG checksum missing")
		}
		p = p[:len(p)-4]
	}
	var seqs []bson.E
	for len(p) > 0 {
		kind := p[0]
		p = p[1:]
		switch kind {
		case 0:
			doc, err := readDoc(p)
			if err != nil {
				return err
			}
			if req.body, err = toD(doc); err != nil {
				return err
			}
			p = p[len(doc):]
		case 1:
			if len(p) < 4 {
				return errors.New("mongostub: short document sequence")
			}
			n := int(binary.LittleEndian.Uint32(p))
			if n < 5 || n > len(p) {
				return errors.New("mongostub: bad document sequence size")
			}
			sec := p[4:n]
			p = p[n:]
			j := bytes.IndexByte(sec, 0)
			if j < 0 {
				return errors.New("mongostub: bad document sequence identifier")
			}
			ident := string(sec[:j])
			var docs bson.A
			for rest := sec[j+1:]; len(rest) > 0; {
				doc, err := readDoc(rest)
				if err != nil {
					return err
				}
				d, err := toD(doc)
				if err != nil {
					return err
				}
				docs = append(docs, d)
				rest = rest[len(doc):]
			}
			seqs = append(seqs, bson.E{Key: ident, Value: docs})
		default:
			return fmt.Errorf("mongostub: OP_MSG section kind %d", kind)
		}
	}
	req.body = append(req.body, seqs...)
	for _, e := range req.body {
		if e.Key == "$db" {
			req.db, _ = e.Value.(string)
		}
	}
	return nil
}

func readDoc(p []byte) (bson.Raw, error) {
	if len(p) < 5 {
		return nil, errors.New("mongostub: short document")
	}
	n := int(binary.LittleEndian.Uint32(p))
	if n < 5 || n > len(p) {
		return nil, errors.New("mongostub: bad document length")
	}
	return bson.Raw(p[:n]), nil
}

func toD(raw bson.Raw) (bson.D, error) {
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("mongostub: %w", err)
	}
	return d, nil
}

// writeReply answers req with doc in the matching reply opcode.
func writeReply(w io.Writer, requestID int32, req *request, doc bson.D) error {
	body, err := bson.Marshal(doc)
	if err != nil {
		return err
	}
	var msg bytes.Buffer
	opCode := int32(opMsg)
	if req.opCode == opQuery {
		opCode = opReply
		// responseFlags, cursorID, startingFrom, numberReturned.
		_ = binary.Write(&msg, binary.LittleEndian, int32(0))
		_ = binary.Write(&msg, binary.LittleEndian, int64(0))
		_ = binary.Write(&msg, binary.LittleEndian, int32(0))
		_ = binary.Write(&msg, binary.LittleEndian, int32(1))
	} else {
		_ = binary.Write(&msg, binary.LittleEndian, uint32(0)) // flagBits
		msg.WriteByte(0)                                       // kind 0: body
	}
	msg.Write(body)
	var hdr [16]byte
	binary.LittleEndian.PutUint32(hdr[0:], uint32(16+msg.Len()))
	binary.LittleEndian.PutUint32(hdr[4:], uint32(requestID))
	binary.LittleEndian.PutUint32(hdr[8:], uint32(req.id))
	binary.LittleEndian.PutUint32(hdr[12:], uint32(opCode))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	_, err = w.Write(msg.Bytes())
	return err
}

func cut(s, sep string) (string, string, bool) {
	if i := bytes.Index([]byte(s), []byte(sep)); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
