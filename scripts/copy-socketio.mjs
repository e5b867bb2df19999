#!/usr/bin/env node
// Copies the socket.io browser client that package.json pins into the `socketiojs` static resource,
// so the LWC loads exactly the client version the bridge is built and tested with.
// `--check` only compares (exit 1 when the resource differs); test/force-app/static-resource.test.ts
// runs the same comparison inside `npm test`.
//
// Usage: node scripts/copy-socketio.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js');
const target = join(root, 'force-app', 'main', 'default', 'staticresources', 'socketiojs.resource');
const metaFile = `${target}-meta.xml`;

const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies['socket.io-client'];
const installed = JSON.parse(readFileSync(join(root, 'node_modules', 'socket.io-client', 'package.json'), 'utf8')).version;
if (pinned !== installed) {
    console.error(`socket.io-client: package.json pins ${pinned} but ${installed} is installed; run npm ci first.`);
    process.exit(1);
}

const bytes = readFileSync(source);
const meta = `<?xml version="1.0" encoding="UTF-8"?>
<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata">
    <cacheControl>Public</cacheControl>
    <contentType>application/javascript</contentType>
    <description>socket.io-client ${pinned} browser build (dist/socket.io.min.js), copied by scripts/copy-socketio.mjs</description>
</StaticResource>
`;

if (process.argv.includes('--check')) {
    let current;
    let currentMeta;
    try {
        current = readFileSync(target);
        currentMeta = readFileSync(metaFile, 'utf8');
    } catch {
        console.error(`${relative(root, target)} is missing; run node scripts/copy-socketio.mjs`);
        process.exit(1);
    }
    if (!current.equals(bytes) || currentMeta !== meta) {
        console.error(`${relative(root, target)} is not socket.io-client ${pinned}; run node scripts/copy-socketio.mjs`);
        process.exit(1);
    }
    console.log(`${relative(root, target)} is socket.io-client ${pinned}`);
} else {
    writeFileSync(target, bytes);
    writeFileSync(metaFile, meta);
    console.log(`copied socket.io-client ${pinned} to ${relative(root, target)}`);
}
