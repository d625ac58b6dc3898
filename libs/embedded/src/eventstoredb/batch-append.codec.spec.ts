/**
 * The hand-written BatchAppend codec against the client's own generated classes: what the
 * client encodes decodes field by field, and the success reply decodes as the client reads it.
 */
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { decodeBatchAppendReq, encodeBatchSuccess } from './batch-append.codec';

function uuid(text: string): UUID {
  const id = new UUID();
  id.setString(text);
  return id;
}

function request(configure: (options: BatchAppendReq.Options) => void): Buffer {
  const req = new BatchAppendReq();
  req.setCorrelationId(uuid('6f3f1c1e-1111-4a4a-8b8b-000000000001'));
  const options = new BatchAppendReq.Options();
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from('question-1'));
  options.setStreamIdentifier(identifier);
  options.setDeadline(Timestamp.fromDate(new Date(1_764_000_000_500)));
  configure(options);
  req.setOptions(options);
  const message = new BatchAppendReq.ProposedMessage();
  message.setId(uuid('0f8fad5b-d9cb-469f-a165-70867728950e'));
  message.getMetadataMap().set('type', 'QuestionAsked');
  message.getMetadataMap().set('content-type', 'application/json');
  message.setData(Buffer.from('{"a":1}'));
  message.setCustomMetadata(Buffer.from('{"m":2}'));
  req.addProposedMessages(message);
  req.setIsFinal(true);
  return Buffer.from(req.serializeBinary());
}

describe('BatchAppend codec', () => {
  it('decodes a request as the client encodes it', () => {
    const decoded = decodeBatchAppendReq(request((o) => o.setStreamPosition('41')));
    expect(decoded.correlationId).toEqual({ text: '6f3f1c1e-1111-4a4a-8b8b-000000000001' });
    expect(decoded.options!.streamName!.toString()).toBe('question-1');
    expect(decoded.options!.expected).toEqual({ kind: 'revision', value: 41n });
    expect(decoded.options!.deadline).toBe(1_764_000_000_500);
    expect(decoded.isFinal).toBe(true);
    const [message] = decoded.messages;
    expect(message.id).toEqual({ text: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(Object.fromEntries(message.metadata)).toEqual({
      type: 'QuestionAsked',
      'content-type': 'application/json',
    });
    expect(message.data.toString()).toBe('{"a":1}');
    expect(message.customMetadata.toString()).toBe('{"m":2}');
  });

  it('decodes each expected-revision case', () => {
    expect(decodeBatchAppendReq(request((o) => o.setAny(new Empty()))).options!.expected).toEqual({
      kind: 'any',
    });
    expect(
      decodeBatchAppendReq(request((o) => o.setNoStream(new Empty()))).options!.expected,
    ).toEqual({ kind: 'no_stream' });
    expect(
      decodeBatchAppendReq(request((o) => o.setStreamExists(new Empty()))).options!.expected,
    ).toEqual({
      kind: 'stream_exists',
    });
  });

  it('refuses bytes that are not a message', () => {
    expect(() => decodeBatchAppendReq(Buffer.from([0x0a, 0x50, 0x01]))).toThrow();
  });

  it('encodes the success reply the client reads', () => {
    const correlation = Buffer.from(uuid('6f3f1c1e-1111-4a4a-8b8b-000000000001').serializeBinary());
    const resp = BatchAppendResp.deserializeBinary(
      new Uint8Array(encodeBatchSuccess(correlation, Buffer.from('question-1'), 7, 123_456_789)),
    );
    expect(resp.getCorrelationId()!.getString()).toBe('6f3f1c1e-1111-4a4a-8b8b-000000000001');
    const success = resp.getSuccess()!;
    expect(success.getCurrentRevision()).toBe('7');
    expect(success.getPosition()!.getCommitPosition()).toBe('123456789');
    expect(success.getPosition()!.getPreparePosition()).toBe('123456789');
    expect(Buffer.from(resp.getStreamIdentifier()!.getStreamName_asU8()).toString()).toBe(
      'question-1',
    );
    const empty = BatchAppendResp.deserializeBinary(
      new Uint8Array(encodeBatchSuccess(correlation, Buffer.from('s'), -1, -1)),
    );
    expect(empty.getSuccess()!.hasNoStream()).toBe(true);
    expect(empty.getSuccess()!.hasNoPosition()).toBe(true);
  });
});
