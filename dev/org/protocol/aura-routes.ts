/**
 * The package's Apex controllers (`ChatController`, `ChatAuditController`) over HTTP, for the local
 * preview's `@salesforce/apex/<Class>.*` shims: `POST /dev/apex/<Class>/<method>` with the named
 * parameters as a JSON object and
 * `Authorization: Bearer <session id>`. Does what Aura does around an Apex call:
 *
 * - converts parameters to their Apex types (absent → null; a wrong type → 400
 *   `Value provided is invalid for action parameter '<name>' of type '<type>'`);
 * - answers 200 with the return value as Aura serializes it: Datetime → ISO 8601 with ms and `Z`,
 *   Id → 18 characters, void → `null`, and properties whose value is null left out;
 * - runs each call as one request of quiddity `AURA` (apex-request.ts), as Lightning's are;
 * - answers an AuraHandledException with 400 `{ message, exceptionType: 'System.AuraHandledException' }`;
 * - counts every call that reached a method, and the rows it returned, in {@link ApexUsage}.
 *
 * No real org has this route (Aura's own wire format is not meant to be spoken by hand); it lives
 * under `/dev/`. A bad session gives 401 `{ message: 'Session expired or invalid' }`, an unknown
 * class or method 404. Class and method names are case-insensitive, as in Apex.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { newApexRequest, QUIDDITY } from '../data/apex-request.js';
import { AuraHandledError, type ApexArgs, type ApexMethod, type ApexParamType } from '../data/chat-controller.js';
import { isWellFormedId, with18CharChecksum } from '../data/ids.js';
import type { ApexUsage } from './apex-usage.js';
import type { SessionStore } from './sessions.js';
import { accessTokenFromHeader } from './sessions.js';

/** Largest request body the Apex routes read (an Aura action can carry a full 32,768-character message). */
export const MAX_APEX_BODY_BYTES = 1_000_000;

/** Apex class name → its `@AuraEnabled` methods by name. */
export type ApexClasses = Readonly<Record<string, Readonly<Record<string, ApexMethod>>>>;

/** The body of a refused session. */
export const APEX_INVALID_SESSION = { message: 'Session expired or invalid' } as const;

class InvalidParameterError extends Error {}

/** Routes of the Apex endpoints over the controllers' methods (see chat-controller.ts, chat-audit-controller.ts). */
export function auraRoutes(classes: ApexClasses, sessions: SessionStore, usage: ApexUsage, logger: Logger): Router {
  const log = logger.child({ module: 'aura' });
  const router = express.Router();
  const byLowerName = new Map(
    Object.entries(classes).map(([className, methods]) => [
      className.toLowerCase(),
      { className, methods: new Map(Object.entries(methods).map(([name, method]) => [name.toLowerCase(), { name, method }])) },
    ]),
  );

  router.post(
    '/dev/apex/:class/:method',
    express.json({ limit: MAX_APEX_BODY_BYTES, strict: false }),
    async (req: Request, res: Response) => {
      const session = sessions.resolve(accessTokenFromHeader(req.headers.authorization));
      if (!session) {
        res.status(401).json(APEX_INVALID_SESSION);
        return;
      }
      // Apex names are case-insensitive.
      const apexClass = byLowerName.get(String(req.params.class).toLowerCase());
      if (!apexClass) {
        res.status(404).json({ message: `No Apex class ${String(req.params.class)} with @AuraEnabled methods` });
        return;
      }
      const found = apexClass.methods.get(String(req.params.method).toLowerCase());
      if (!found) {
        res.status(404).json({ message: `${apexClass.className} has no @AuraEnabled method ${String(req.params.method)}` });
        return;
      }
      const body: unknown = req.body ?? {};
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        res.status(400).json({ message: 'The body must be a JSON object of the named parameters' });
        return;
      }
      try {
        const args = convertArgs(found.method.params, body as Record<string, unknown>);
        // Each call is one Aura request: its own request id, quiddity AURA. Counted once the method
        // runs, whether it returns or throws (an org counts it either way).
        let value: unknown;
        try {
          value = await found.method.invoke(args, newApexRequest(session.userId, QUIDDITY.aura));
        } finally {
          usage.record(found.name, session.userId, value);
        }
        res.status(200).json(auraSerialize(value));
      } catch (err) {
        if (err instanceof AuraHandledError) {
          log.info({ apexClass: apexClass.className, method: found.name, message: err.message }, 'apex refused');
          res.status(400).json({ message: err.message, exceptionType: 'System.AuraHandledException' });
          return;
        }
        if (err instanceof InvalidParameterError) {
          res.status(400).json({ message: err.message });
          return;
        }
        log.error({ err, apexClass: apexClass.className, method: found.name }, 'apex failed');
        res.status(500).json({ message: 'An internal server error has occurred', exceptionType: 'System.UnexpectedException' });
      }
    },
  );

  // A body that is not JSON: answered in the shape the shims read.
  router.use('/dev/apex', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === 400 || status === 413) {
      res.status(status).json({ message: status === 413 ? 'Request body too large' : 'The body is not valid JSON' });
      return;
    }
    next(err);
  });

  return router;
}

/** Converts the JSON parameters to their Apex types, as Aura does; unknown names are ignored. */
function convertArgs(params: Readonly<Record<string, ApexParamType>>, body: Record<string, unknown>): ApexArgs {
  const args: Record<string, ApexArgs[string]> = {};
  for (const [name, type] of Object.entries(params)) {
    const value = body[name];
    const converted = value === undefined || value === null ? null : convertValue(type, value);
    if (converted === undefined) {
      throw new InvalidParameterError(`Value provided is invalid for action parameter '${name}' of type '${type}'`);
    }
    args[name] = converted;
  }
  return args;
}

const INTEGER_MIN = -(2 ** 31);
const INTEGER_MAX = 2 ** 31 - 1;

function convertValue(type: ApexParamType, value: unknown): ApexArgs[string] | undefined {
  switch (type) {
    case 'Integer': {
      const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof number === 'number' && Number.isInteger(number) && number >= INTEGER_MIN && number <= INTEGER_MAX ? number : undefined;
    }
    case 'Datetime': {
      if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? undefined : date;
    }
    case 'String':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    case 'List<Id>':
      // Every element must be an id a real org would take; Apex holds Ids in their 18-character form.
      return Array.isArray(value) && value.every(isWellFormedId) ? value.map((id) => with18CharChecksum(id.slice(0, 15))) : undefined;
  }
}

/**
 * A return value as Aura serializes it: `undefined` (void) → null; Date → ISO 8601 UTC with ms;
 * object properties whose value is null or undefined are left out; arrays keep their nulls.
 */
export function auraSerialize(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(auraSerialize);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (entry !== undefined && entry !== null) out[key] = auraSerialize(entry);
    }
    return out;
  }
  return value;
}
