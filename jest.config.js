// One `npm test` runs every project: pure lib specs, API unit specs, and HTTP/browser tests
// against a real PostgreSQL (DATABASE_URL's server, or an embedded one started by globalSetup).
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }];
const moduleNameMapper = {
  '^@soar2/privacy$': '<rootDir>/libs/privacy/src',
  '^@soar2/generation$': '<rootDir>/libs/generation/src',
};
const common = { rootDir: __dirname, testEnvironment: 'node', transform: { '^.+\\.tsx?$': tsJest }, moduleNameMapper };

module.exports = {
  // A global option (Jest ignores it inside projects): HTTP and browser tests start real servers.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'libs', testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts'] },
    { ...common, displayName: 'api', testMatch: ['<rootDir>/apps/api/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'admin',
      testMatch: ['<rootDir>/apps/admin/test/**/*.spec.ts'],
      // apps/admin is an ES-module package; its pure modules are compiled to CommonJS for Jest.
      transform: {
        '^.+\\.tsx?$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', jsx: 'react-jsx', esModuleInterop: true, isolatedModules: true }, diagnostics: false }],
      },
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/api/test/**/*.e2e-spec.ts', '<rootDir>/apps/admin/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/global-setup.mjs',
      globalTeardown: '<rootDir>/apps/api/test/global-teardown.mjs',
      slowTestThreshold: 20,
    },
  ],
};
