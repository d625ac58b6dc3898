/**
 * Security headers (CSP, nosniff, frame options, ...) from helmet, computed once at start-up.
 * None of them depends on the request, so running helmet's middleware per request (which
 * rebuilds the CSP string every time) would be wasted work on every vote and page.
 */
import helmet, { type HelmetOptions } from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

const API_HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      // Served over plain HTTP on a LAN as well; upgrading would break the pages there.
      upgradeInsecureRequests: null,
      // The mailbox shows email HTML in sandboxed srcdoc frames.
      frameSrc: ["'self'"],
    },
  },
};

/** The headers helmet sets for the API's options, as a map to put on every reply. */
export function securityHeaders(): Record<string, string> {
  // A detached response: helmet only calls setHeader/removeHeader on it.
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  helmet(API_HELMET_OPTIONS)(res.req, res, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.fromEntries(
    Object.entries(res.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
}
