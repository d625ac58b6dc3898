import { historyStream } from '../libs/read-models/src/testing/history.generator';
import { ReadModelProjection, MemoryDocSet } from '../libs/read-models/src/engine/read-model.projection';
const N = Number(process.argv[2] ?? 100000), B = Number(process.argv[3] ?? 20000);
const h = historyStream(20251125);
const p = new ReadModelProjection();
const docs = new MemoryDocSet();
const origPut = docs.put.bind(docs);
let dirty = new Map<string, Set<string>>();
const seen = new Map<string, Set<string>>();
const tot = new Map<string, [number, number]>(); // [inserts, updates]
docs.put = (c: any, d: any) => { if (!dirty.has(c)) dirty.set(c, new Set()); dirty.get(c)!.add(d._id); origPut(c, d); };
const flush = () => { for (const [c, ids] of dirty) { const s = seen.get(c) ?? new Set(); seen.set(c, s); const t = tot.get(c) ?? [0, 0]; for (const id of ids) { if (s.has(id)) t[1]++; else { t[0]++; s.add(id); } } tot.set(c, t); } dirty = new Map(); };
for (let i = 0; i < N; i++) { const e = h.next().value!; p.apply(docs, { type: e.type, data: e.data, id: 'x' + i, stream: e.stream, revision: 0, pos: i + 1 } as any); if ((i + 1) % B === 0) flush(); }
flush();
let ins = 0, upd = 0; for (const [c, [a, b]] of tot) { console.log(c, 'inserts', a, 'updates', b); ins += a; upd += b; }
console.log('per event: inserts', (ins / N).toFixed(2), 'updates', (upd / N).toFixed(2));
