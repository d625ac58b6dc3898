import { serverNodeFlags, serverThreadLimits } from './young-generation';

describe('the young generation of the embedded servers', () => {
  it('is larger for MongoDB, as a thread or as a process', () => {
    expect(serverThreadLimits('mongodb')).toEqual({ maxYoungGenerationSizeMb: 192 });
    expect(serverNodeFlags('mongodb')).toEqual(['--max-semi-space-size=64']);
  });

  it("is V8's default for EventStoreDB, which keeps its events in SQLite", () => {
    expect(serverThreadLimits('eventstoredb')).toBeUndefined();
    expect(serverNodeFlags('eventstoredb')).toEqual([]);
  });
});
