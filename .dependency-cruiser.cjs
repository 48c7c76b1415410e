/**
 * Architecture rules, checked by `npm run lint` (dependency-cruiser). The layout they hold is the README's:
 * the domain and the mining engine are pure TypeScript; only adapters, handlers and composition talk to AWS;
 * the embedded local stack is a consumer of the code, never a dependency of it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-aws-in-domain',
      comment:
        'functions/domain and functions/mining import nothing from AWS (SDK clients, Lambda runtime types used at run time, Powertools, CDK): ' +
        'they work against ports (functions/domain/ports.ts) that functions/adapters implement.',
      severity: 'error',
      from: { path: '^functions/(domain|mining)/' },
      to: { path: '(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|aws-lambda|@types/aws-lambda|aws-cdk-lib|aws-xray-sdk)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-aws-types-in-mining',
      comment: 'The mining engine has no notion of Lambda or AWS at all, not even in types.',
      severity: 'error',
      from: { path: '^functions/mining/' },
      to: { path: '(^|/)node_modules/(@aws-sdk|@smithy|@aws-lambda-powertools|aws-lambda|@types/aws-lambda|aws-cdk-lib)' },
    },
    {
      name: 'no-local-from-deployed-code',
      comment: 'local/ (emulators, fault injection, the local Step Functions endpoint) is never part of what deploys: functions/ and lib/ must not import it.',
      severity: 'error',
      from: { path: '^(functions|lib|bin)/' },
      to: { path: '^local/' },
    },
    {
      name: 'no-circular',
      comment: 'Modules import each other in one direction; a cycle makes load order matter and splits nothing.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(cdk\\.out|\\.local-data)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
