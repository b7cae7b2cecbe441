import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CareDispatchStack } from './stack.js';

export interface BuildAppProps {
  /** Context values, as `cdk synth -c key=value` would pass them. */
  context?: Record<string, unknown>;
  /** Cloud assembly directory; by default CDK_OUTDIR (set by the CLI) or a temp dir. */
  outdir?: string;
  stackId?: string;
  env?: Environment;
}

/** A context value as a non-empty string, or undefined. */
function contextString(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value;
}

/**
 * The CDK app with its one stack and the cdk-nag AwsSolutions checks, built
 * without synthesising so that tests can inspect it in-process.
 *
 * Context: `jwtIssuer` + `jwtAudience` (an external OIDC issuer instead of a
 * Cognito user pool), `publicBaseUrl` (base of caregiver links, default the
 * API's URL), `smsOriginationIdentityArn` (the SMS sender).
 */
export function buildApp(props: BuildAppProps = {}): { app: App; stack: CareDispatchStack } {
  const app = new App({ context: props.context, outdir: props.outdir });
  // Acknowledgements also go into the template metadata (cdk_nag.rules_to_suppress): an audit trail next to each resource.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));

  const issuer = contextString(app, 'jwtIssuer');
  const audience = contextString(app, 'jwtAudience');
  if ((issuer === undefined) !== (audience === undefined)) {
    throw new Error('set both jwtIssuer and jwtAudience, or neither (then a Cognito user pool is created)');
  }

  const stack = new CareDispatchStack(app, props.stackId ?? 'CareDispatch', {
    description: 'Care Dispatch: routes elderly home-care visits to licensed companies and qualified caregivers',
    // Environment-agnostic unless asked: the same template for the global and
    // the China partition, and a synth that needs no AWS credentials.
    env: props.env,
    jwt: issuer && audience ? { issuer, audience } : undefined,
    publicBaseUrl: contextString(app, 'publicBaseUrl'),
    smsOriginationIdentityArn: contextString(app, 'smsOriginationIdentityArn'),
  });
  return { app, stack };
}
