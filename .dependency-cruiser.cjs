/**
 * Architecture rules checked in CI (`npm run lint:deps`). dependency-cruiser cannot parse sources
 * for TypeScript 7, so it reads the compiled JavaScript in dist/ (the build runs first); the
 * type-only imports that compilation erases are covered by libs/domain/src/domain-purity.unit.spec.ts.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain is pure TypeScript: no framework, broker, database or event-store code, nothing from other layers.',
      severity: 'error',
      from: { path: '^dist/libs/domain/' },
      to: { pathNot: '^dist/libs/domain/' },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^dist/libs/' },
      to: { path: '^dist/apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.map$' },
  },
};
