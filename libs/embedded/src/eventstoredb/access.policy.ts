/**
 * Who may do what, as a default EventStoreDB node decides it.
 *
 * Without TLS the real node runs `--insecure`, which turns authentication and
 * authorisation off (and the client does not even send credentials over an insecure
 * channel), so every call is allowed. With TLS: credentials that are sent must be valid
 * (`admin`/`changeit` or `ops`/`changeit`, else UNAUTHENTICATED); calls without credentials
 * run as anonymous. The default ACLs then let anyone read and write user streams, while
 * `$all` and `$`-prefixed system streams need the `$admins` group (PERMISSION_DENIED
 * with `exception=access-denied` otherwise). A user stream's metastream `$$name` follows
 * the user-stream rules, as the default `$mr`/`$mw` ACLs do.
 */
import type { Metadata } from '@grpc/grpc-js';
import { accessDenied, RpcError, unauthenticated } from './rpc.errors';

export type Operation = 'read' | 'write' | 'delete';

export interface Access {
  /** null when allowed, else the error the real server answers with. */
  check(metadata: Metadata, stream: string, operation: Operation): RpcError | null;
  /** null when the call's credentials (if any) are valid, else UNAUTHENTICATED. */
  authenticate(metadata: Metadata): RpcError | null;
}

const USERS: Record<string, { password: string; admin: boolean }> = {
  admin: { password: 'changeit', admin: true },
  ops: { password: 'changeit', admin: false },
};

type Principal = { admin: boolean } | 'anonymous' | 'invalid';

function principalOf(metadata: Metadata): Principal {
  const header = metadata.get('authorization')[0];
  if (header === undefined) return 'anonymous';
  const text = header.toString();
  const match = /^Basic\s+(.+)$/i.exec(text);
  if (!match) return 'invalid';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'invalid';
  const user = USERS[decoded.slice(0, colon)];
  if (!user || user.password !== decoded.slice(colon + 1)) return 'invalid';
  return { admin: user.admin };
}

function isSystemStream(stream: string): boolean {
  if (stream.startsWith('$$')) return stream.length > 2 && stream[2] === '$';
  return stream.startsWith('$');
}

export function createAccess(secure: boolean): Access {
  if (!secure) return { check: () => null, authenticate: () => null };
  return {
    authenticate: (metadata) => (principalOf(metadata) === 'invalid' ? unauthenticated() : null),
    check(metadata, stream) {
      const principal = principalOf(metadata);
      if (principal === 'invalid') return unauthenticated();
      if (principal !== 'anonymous' && principal.admin) return null;
      return isSystemStream(stream) ? accessDenied() : null;
    },
  };
}

/** Authentication alone, for services that need no stream permission (server features). */
export function authenticate(secure: boolean, metadata: Metadata): RpcError | null {
  return secure && principalOf(metadata) === 'invalid' ? unauthenticated() : null;
}
