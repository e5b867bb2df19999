// Jest configuration for the LWC unit tests (Salesforce's sfdx-lwc-jest runner, `npm run test:lwc`).
// CommonJS (.cjs) because package.json is "type": "module" and sfdx-lwc-jest's config is CommonJS.
// Jest only looks under force-app (vitest owns test/**), and only at lwc/**/__tests__/*.test.js;
// platform modules that need behaviour (loadScript installing a fake socket.io) are mocked here once;
// force-app/test/jest-setup.js registers the accessibility matcher (@sa11y/jest) for every test.
const fs = require('node:fs');
const path = require('node:path');
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

/**
 * The project also depends on `lwc` (LWC OSS, for the local preview), so npm hoists that
 * @lwc/compiler, which @lwc/jest-transformer then compiles templates with, while sfdx-lwc-jest's own
 * @lwc/engine-dom is older ("template was compiled with v9 … engine is v8"). Run the tests on the
 * engine-dom whose version matches the compiler the transformer really uses, wherever npm put it.
 */
function packageRoot(name, fromDir) {
    // Walk up from the resolved entry point: some @lwc packages do not export ./package.json.
    let dir = path.dirname(require.resolve(name, { paths: [fromDir] }));
    while (dir !== path.dirname(dir)) {
        const manifest = path.join(dir, 'package.json');
        if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === name) {
            return { dir, version: JSON.parse(fs.readFileSync(manifest, 'utf8')).version };
        }
        dir = path.dirname(dir);
    }
    throw new Error(`jest.config.cjs: cannot find the package root of ${name}`);
}

function matchingEngineDom() {
    const transformerEntry = Object.values(jestConfig.transform).find((t) => String(t).includes('jest-transformer'));
    const compiler = packageRoot('@lwc/compiler', path.dirname(transformerEntry));
    const candidates = [path.dirname(transformerEntry), __dirname];
    try {
        candidates.unshift(packageRoot('lwc', __dirname).dir);
    } catch {
        // lwc not installed: only sfdx-lwc-jest's engine is available
    }
    for (const from of candidates) {
        const engine = packageRoot('@lwc/engine-dom', from);
        if (engine.version === compiler.version) {
            // jest runs CommonJS: newer engine-dom packages are "type": "module" with a .cjs build
            const cjs = path.join(engine.dir, 'dist', 'index.cjs');
            const target = fs.existsSync(cjs) ? cjs : engine.dir;
            // components import 'lwc', which the LWC jest resolver maps to @lwc/engine-dom
            return { '^lwc$': target, '^@lwc/engine-dom$': target };
        }
    }
    return {};
}

module.exports = {
    ...jestConfig,
    roots: ['<rootDir>/force-app'],
    testMatch: ['<rootDir>/force-app/**/lwc/**/__tests__/**/*.test.js'],
    testPathIgnorePatterns: [...jestConfig.testPathIgnorePatterns, '<rootDir>/test/', '<rootDir>/bridge/', '<rootDir>/dev/', '<rootDir>/cli/', '<rootDir>/harness/'],
    setupFilesAfterEnv: [...jestConfig.setupFilesAfterEnv, '<rootDir>/force-app/test/jest-setup.js'],
    moduleNameMapper: {
        ...matchingEngineDom(),
        '^lightning/platformResourceLoader$': '<rootDir>/force-app/test/jest-mocks/lightning/platformResourceLoader',
        '^socketIoMock$': '<rootDir>/force-app/test/jest-mocks/socketIo'
    }
};
