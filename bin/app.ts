import { App } from 'aws-cdk-lib';
import { checkWithCdkNag } from '../lib/constructs/nag.ts';
import { ProcessMiningStack } from '../lib/process-mining-stack.ts';

const app = new App();

new ProcessMiningStack(app, 'ProcessMiningJobs', {
  description: 'Serverless, multi-tenant process-mining job platform',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

// cdk-nag v3 is a policy-validation plugin (v2 used Aspects.of(app).add(...)); any unacknowledged
// error fails `cdk synth`. Acknowledgements live next to the resources they concern (lib/constructs).
checkWithCdkNag(app);
