/**
 * A lean HTTP/1.1 keep-alive connection for the load generators (bench:commands, and
 * support/http-load for the reads): each request is written as
 * bytes built once, and the response is cut out of the stream by its Content-Length (or its
 * chunks), with no header objects, no parser per request and no agent. On a 2-core machine
 * the load generator shares the cores with the server it measures, so the less CPU it takes
 * per request (about a fifth of node:http's), the less it distorts the figures.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  body: string;
  /** The body's length in bytes. */
  bytes: number;
}

/** The bytes of one request, built once and sent as often as needed. */
export function rawRequest(
  method: string,
  target: string,
  headers: Record<string, string>,
  body = '',
): Buffer {
  const payload = Buffer.from(body);
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: bench'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (payload.length > 0 || method !== 'GET') lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), payload]);
}

const HEAD_END = Buffer.from('\r\n\r\n');

export class RawHttpConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: RawResponse) => void; reject: (e: Error) => void } | null = null;
  /** Why the connection ended, once it has: every later request fails with it at once. */
  private ended: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    const fail = (error: Error) => {
      this.ended ??= error;
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  static connect(host: string, port: number, localAddress?: string): Promise<RawHttpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, localAddress }, () => {
        socket.off('error', reject);
        resolve(new RawHttpConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one request and resolves with its response; one at a time per connection. */
  send(request: Buffer): Promise<RawResponse> {
    if (this.ended) return Promise.reject(this.ended);
    if (this.waiting) return Promise.reject(new Error('a request is already in flight'));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** Hands the waiting request its response once the whole of it has arrived. */
  private deliver(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    const headEnd = this.buffered.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.buffered.toString('latin1', 0, headEnd);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body: string;
    let end: number;
    if (length) {
      end = headEnd + 4 + Number(length[1]);
      if (this.buffered.length < end) return;
      body = this.buffered.toString('utf8', headEnd + 4, end);
    } else if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const chunks = this.chunkedBody(headEnd + 4);
      if (!chunks) return;
      ({ body, end } = chunks);
    } else {
      body = '';
      end = headEnd + 4;
    }
    this.buffered = this.buffered.subarray(end);
    this.waiting = null;
    waiting.resolve({ status, body, bytes: Buffer.byteLength(body) });
  }

  /** A chunked body from `start`, or null until its last chunk has arrived. */
  private chunkedBody(start: number): { body: string; end: number } | null {
    const parts: string[] = [];
    let at = start;
    for (;;) {
      const lineEnd = this.buffered.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(this.buffered.toString('latin1', at, lineEnd), 16);
      const dataEnd = lineEnd + 2 + size;
      if (this.buffered.length < dataEnd + 2) return null;
      if (size === 0) return { body: parts.join(''), end: dataEnd + 2 };
      parts.push(this.buffered.toString('utf8', lineEnd + 2, dataEnd));
      at = dataEnd + 2;
    }
  }
}
