#!/usr/bin/env node
// Writes the bridge's public URL into every place force-app needs it, so they can never disagree:
// the CSP Trusted Sites for https:// and wss:// (the LWC's socket.io connection) and Bridge_URL__c of
// the Chat_Bridge_Setting "Default" record (what ChatController hands the browser).
// test/force-app/metadata.test.ts checks that all three name the same host. There is no CORS entry:
// the bridge calls Salesforce server to server, so no browser page on the bridge's origin ever calls
// the Salesforce REST API, and the package widens nothing it does not need.
//
// Usage: node scripts/set-bridge-url.mjs https://my-bridge.herokuapp.com [--root <repo dir>]
// The URL must be an https origin (scheme, host, optional port; no path, query or fragment).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const rootFlag = args.indexOf('--root');
const root = rootFlag >= 0 ? args[rootFlag + 1] : join(dirname(fileURLToPath(import.meta.url)), '..');
const input = args.filter((_arg, i) => rootFlag < 0 || (i !== rootFlag && i !== rootFlag + 1))[0];

function fail(message) {
    console.error(`set-bridge-url: ${message}`);
    console.error('usage: node scripts/set-bridge-url.mjs https://my-bridge.herokuapp.com [--root <repo dir>]');
    process.exit(1);
}

if (!input) {
    fail('give the bridge URL');
}
let url;
try {
    url = new URL(input);
} catch {
    fail(`"${input}" is not a URL`);
}
if (url.protocol !== 'https:') {
    fail(`the bridge must be served over https (Lightning pages are https; got ${url.protocol})`);
}
if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    fail(`give the origin only, e.g. https://${url.host} (no path, query, fragment or credentials)`);
}
const host = url.host; // includes a non-default port
const https = `https://${host}`;
const wss = `wss://${host}`;

const base = join(root, 'force-app', 'main', 'default');
const places = [
    {
        file: join(base, 'cspTrustedSites', 'Chat_Bridge_HTTPS.cspTrustedSite-meta.xml'),
        pattern: /(<endpointUrl>)[^<]*(<\/endpointUrl>)/g,
        value: https,
    },
    {
        file: join(base, 'cspTrustedSites', 'Chat_Bridge_WSS.cspTrustedSite-meta.xml'),
        pattern: /(<endpointUrl>)[^<]*(<\/endpointUrl>)/g,
        value: wss,
    },
    {
        file: join(base, 'customMetadata', 'Chat_Bridge_Setting.Default.md-meta.xml'),
        pattern: /(<field>Bridge_URL__c<\/field>\s*<value[^>]*>)[^<]*(<\/value>)/g,
        value: https,
    },
];

// Compute every change first: either all files are updated or none.
const updates = places.map(({ file, pattern, value }) => {
    let text;
    try {
        text = readFileSync(file, 'utf8');
    } catch {
        fail(`${relative(root, file)} is missing`);
    }
    const matches = text.match(pattern) ?? [];
    if (matches.length !== 1) {
        fail(`${relative(root, file)}: expected exactly one place for the URL, found ${matches.length}`);
    }
    return { file, text: text.replace(pattern, `$1${value}$2`), value };
});

for (const { file, text, value } of updates) {
    writeFileSync(file, text);
    console.log(`${relative(root, file)} → ${value}`);
}
console.log(`Bridge URL set to ${https}. Deploy force-app and set the bridge's allowed origins to your Lightning domains.`);
