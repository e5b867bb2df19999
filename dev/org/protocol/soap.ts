/**
 * SOAP `login()` of the partner API, `POST /services/Soap/u/<version>`: what jsforce's
 * `conn.login(username, password)` calls when it has no OAuth client id. The dev org reads the
 * username and password from the envelope and answers the `loginResponse` jsforce parses
 * (`serverUrl`, `sessionId`, `userId`, `userInfo.organizationId`), or Salesforce's
 * `INVALID_LOGIN` fault (HTTP 500).
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { isServedApiVersion } from './api-versions.js';
import { MAX_BODY_BYTES } from './http-gate.js';
import type { OrgContext } from './org-context.js';

/** faultstring of a refused login, as Salesforce words it. */
export const INVALID_LOGIN_FAULT = 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.';

/** Routes of the SOAP login endpoint. */
export function soapRoutes(org: OrgContext, logger: Logger): Router {
  const log = logger.child({ module: 'soap' });
  const router = express.Router();

  router.post('/services/Soap/u/:version', express.text({ type: () => true, limit: MAX_BODY_BYTES }), (req, res) => {
    const version = req.params.version;
    const envelope = typeof req.body === 'string' ? req.body : '';
    res.type('text/xml; charset=utf-8');
    if (!isServedApiVersion(version)) {
      res.status(500).send(fault('sf:UNSUPPORTED_API_VERSION', 'UNSUPPORTED_API_VERSION: Invalid Api version specified on URL'));
      return;
    }
    const login = readLogin(envelope);
    if (!login) {
      res.status(500).send(fault('soapenv:Client', 'No operation available for request'));
      return;
    }
    const { user } = org.identity;
    if (login.username !== user.username || login.password !== user.password) {
      log.info('soap login refused');
      res.status(500).send(fault('sf:INVALID_LOGIN', INVALID_LOGIN_FAULT));
      return;
    }
    const session = org.sessions.issue(user.id);
    log.info('soap login');
    res.send(loginResponse(org, version, session.accessToken));
  });

  return router;
}

/** Username and password of a `<login>` request (any namespace prefix), or `undefined`. */
function readLogin(envelope: string): { username: string; password: string } | undefined {
  const body = /<(?:[\w-]+:)?login\b[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?login>/.exec(envelope)?.[1];
  if (body === undefined) return undefined;
  const element = (name: string) => {
    const text = new RegExp(`<(?:[\\w-]+:)?${name}>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(body)?.[1];
    return text === undefined ? undefined : unescapeXml(text);
  };
  const username = element('username');
  const password = element('password');
  return username === undefined || password === undefined ? undefined : { username, password };
}

function loginResponse(org: OrgContext, version: string, sessionId: string): string {
  const { orgId, user } = org.identity;
  const x = escapeXml;
  return envelope(
    'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    `<loginResponse><result>` +
      `<metadataServerUrl>${x(`${org.url}/services/Soap/m/${version}/${orgId}`)}</metadataServerUrl>` +
      `<passwordExpired>false</passwordExpired><sandbox>true</sandbox>` +
      `<serverUrl>${x(`${org.url}/services/Soap/u/${version}/${orgId}`)}</serverUrl>` +
      `<sessionId>${x(sessionId)}</sessionId><userId>${x(user.id)}</userId>` +
      `<userInfo><currencySymbol>$</currencySymbol><organizationId>${x(orgId)}</organizationId>` +
      `<organizationMultiCurrency>false</organizationMultiCurrency><organizationName>Dev Org</organizationName>` +
      `<sessionSecondsValid>7200</sessionSecondsValid><userEmail>${x(user.email)}</userEmail>` +
      `<userFullName>${x(user.name)}</userFullName><userId>${x(user.id)}</userId>` +
      `<userLanguage>en_US</userLanguage><userLocale>en_US</userLocale><userName>${x(user.username)}</userName>` +
      `<userTimeZone>UTC</userTimeZone><userType>Standard</userType></userInfo>` +
      `</result></loginResponse>`,
  );
}

function fault(code: string, message: string): string {
  return envelope(
    'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    `<soapenv:Fault><faultcode>${escapeXml(code)}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault>`,
  );
}

function envelope(namespaces: string, body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ${namespaces}>` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const e = entity.toLowerCase();
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!;
  });
}
