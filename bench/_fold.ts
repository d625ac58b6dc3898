import { historyStream } from '../libs/read-models/src/testing/history.generator';
import { ReadModelProjection, MemoryDocSet } from '../libs/read-models/src/engine/read-model.projection';
const N = Number(process.argv[2] ?? 100000);
const h = historyStream(20251125);
const evs: any[] = [];
const types = new Map<string, number>();
for (let i = 0; i < N; i++) { const e = h.next().value!; evs.push({ type: e.type, data: e.data, id: 'x' + i, stream: e.stream, revision: 0, pos: i + 1 }); types.set(e.type, (types.get(e.type) ?? 0) + 1); }
console.log([...types].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${n}`).join(', '));
const p = new ReadModelProjection();
const docs = new MemoryDocSet();
const t0 = performance.now();
for (const e of evs) p.apply(docs, e);
const ms = performance.now() - t0;
console.log(`fold ${N} events ${ms.toFixed(0)} ms = ${(ms * 1000 / N).toFixed(1)} us/event`);
for (const [c, m] of Object.entries(docs.collections)) console.log(c, (m as Map<string, unknown>).size);
console.log('rss MB', Math.round(process.memoryUsage().rss / 1e6));
