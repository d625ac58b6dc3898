/**
 * The hand-written encodings must decode, with the client's own generated classes, to
 * exactly what the real server would have sent.
 */
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import {
  CAUGHT_UP,
  decodeRecord,
  encodeCheckpoint,
  encodeConfirmation,
  encodeRecord,
  encodeStreamNotFound,
  wrapEvent,
  type RecordFields,
} from './read-resp.encoder';

const fields: RecordFields = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  stream: 'question-ünïcode-1',
  revision: 300,
  position: 5_000_000_123,
  type: 'QuestionAsked',
  createdMs: 1_764_000_000_123,
  isJson: true,
  metadata: Buffer.from('{"actor":"u1"}'),
  data: Buffer.from('{"title":"Why?"}'),
};

function decode(bytes: Buffer): ReadResp {
  return ReadResp.deserializeBinary(new Uint8Array(bytes));
}

describe('read reply encodings', () => {
  it('wraps a stored record into a ReadResp event the client decodes field by field', () => {
    const resp = decode(wrapEvent(encodeRecord(fields), fields.position, 'string'));
    const readEvent = resp.getEvent()!;
    expect(readEvent.getCommitPosition()).toBe('5000000123');
    const e = readEvent.getEvent()!;
    expect(e.getId()!.getString()).toBe(fields.id);
    expect(Buffer.from(e.getStreamIdentifier()!.getStreamName_asU8()).toString()).toBe(
      fields.stream,
    );
    expect(e.getStreamRevision()).toBe('300');
    expect(e.getPreparePosition()).toBe('5000000123');
    expect(e.getCommitPosition()).toBe('5000000123');
    const metadata = e.getMetadataMap();
    expect(metadata.get('type')).toBe('QuestionAsked');
    expect(metadata.get('content-type')).toBe('application/json');
    expect(metadata.get('created')).toBe('17640000001230000');
    expect(Buffer.from(e.getCustomMetadata_asU8()).toString()).toBe('{"actor":"u1"}');
    expect(Buffer.from(e.getData_asU8()).toString()).toBe('{"title":"Why?"}');
  });

  it('sends a tombstone with revision long.MaxValue', () => {
    const record = encodeRecord({
      ...fields,
      revision: -1,
      data: Buffer.alloc(0),
      metadata: Buffer.alloc(0),
    });
    const e = decode(wrapEvent(record, 1, 'string'))
      .getEvent()!
      .getEvent()!;
    expect(e.getStreamRevision()).toBe('9223372036854775807');
    expect(e.getData_asU8()).toHaveLength(0);
  });

  it('reads a stored record back unchanged', () => {
    const back = decodeRecord(encodeRecord(fields));
    expect({ ...back, metadata: Buffer.from(back.metadata), data: Buffer.from(back.data) }).toEqual(
      fields,
    );
  });

  it('encodes the subscription control messages', () => {
    expect(decode(encodeConfirmation('sub-1')).getConfirmation()!.getSubscriptionId()).toBe(
      'sub-1',
    );
    const checkpoint = decode(encodeCheckpoint(1234567)).getCheckpoint()!;
    expect([checkpoint.getCommitPosition(), checkpoint.getPreparePosition()]).toEqual([
      '1234567',
      '1234567',
    ]);
    expect(decode(CAUGHT_UP).hasCaughtUp()).toBe(true);
    const missing = decode(encodeStreamNotFound(Buffer.from('nope'))).getStreamNotFound()!;
    expect(Buffer.from(missing.getStreamIdentifier()!.getStreamName_asU8()).toString()).toBe(
      'nope',
    );
  });
});
