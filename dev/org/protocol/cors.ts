/**
 * CORS for the dev org routes a browser page calls directly — the local preview's Apex shims
 * (`/dev/*`) and REST (`/services/data/*`): pages served from a loopback origin
 * (`http://localhost:<port>`, `http://127.0.0.1:<port>`) may call them with `Authorization` and
 * `Content-Type`; every other origin gets no CORS headers, and its preflights a 403. A real org
 * keeps its own allow-list (Setup → CORS); this one is fixed, since the dev org only ever serves a
 * developer's machine.
 */
import type { NextFunction, Request, Response } from 'express';

/** Path prefixes CORS applies to. */
const CORS_PATHS = ['/dev/', '/services/data'];

/** Methods and request headers a loopback page may use. */
export const CORS_ALLOWED_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
export const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type';

/** Whether `origin` is a page on this machine: `http://localhost[:port]` or `http://127.0.0.1[:port]`. */
export function isLoopbackOrigin(origin: string | undefined): boolean {
  return /^http:\/\/(?:localhost|127\.0\.0\.1)(?::\d{1,5})?$/.test(origin ?? '');
}

/** Express middleware: CORS headers for loopback origins, preflights answered here. */
export function loopbackCors() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!CORS_PATHS.some((prefix) => req.path.startsWith(prefix))) return next();
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (origin !== undefined) res.vary('Origin');
    if (!isLoopbackOrigin(origin)) {
      if (preflight) return void res.status(403).end();
      return next();
    }
    res.set('Access-Control-Allow-Origin', origin);
    if (!preflight) return next();
    res
      .status(204)
      .set({
        'Access-Control-Allow-Methods': CORS_ALLOWED_METHODS,
        'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      })
      .end();
  };
}
