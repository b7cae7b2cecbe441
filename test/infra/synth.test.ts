import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventPattern, eventRules, outboxStreamFilter } from '../../events/rules.js';
import { groupNames, handlerGroups, type Need } from '../../functions/groups.js';
import { routeKey, routes } from '../../functions/routes.js';
import { buildApp } from '../../infra/build-app.js';
import { type CareDispatchStack, PROJECT_ROOT } from '../../infra/stack.js';
import { careTable, idempotencyTable, platformTables, type TableDefinition } from '../../infra/tables.js';

// ---- Shapes of the synthesised documents we read -----------------------------
interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
}
interface CfnStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
interface ValidationReport {
  pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string; severity: string }[] }[];
}

const tempDirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Skips esbuild for apps built only to look at their template. */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** `npx cdk synth` exactly as a developer runs it, without AWS credentials or network. */
function cliSynth(outdir: string): Promise<{ code: number | null; output: string }> {
  // Without NODE_ENV=test the app reports like it does in a developer's shell.
  const { NODE_ENV: _nodeEnv, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(
      'npx',
      ['cdk', 'synth', '--quiet', '--ci', '--no-notices', '--no-version-reporting', '-o', outdir],
      {
        cwd: PROJECT_ROOT,
        env: { ...env, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
        timeout: 180_000,
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Reads a synthesised template through the stack's own constructs. */
class Inspector {
  readonly resources: Record<string, CfnResource>;

  constructor(
    readonly stack: CareDispatchStack,
    readonly template: Template,
  ) {
    this.resources = (template.toJSON() as { Resources: Record<string, CfnResource> }).Resources;
  }

  id(construct: IConstruct): string {
    const element = construct.node.defaultChild ?? construct;
    return this.stack.getLogicalId(element as CfnElement);
  }

  resource(construct: IConstruct): CfnResource {
    const resource = this.resources[this.id(construct)];
    if (!resource) throw new Error(`no resource for ${construct.node.path}`);
    return resource;
  }

  ref(construct: IConstruct) {
    return { Ref: this.id(construct) };
  }

  arn(construct: IConstruct) {
    return { 'Fn::GetAtt': [this.id(construct), 'Arn'] };
  }

  /** Every statement of every policy attached to the role. */
  statements(role: IConstruct): CfnStatement[] {
    const roleRef = JSON.stringify(this.ref(role));
    return Object.values(this.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => (r.Properties.Roles as unknown[]).some((x) => JSON.stringify(x) === roleRef))
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: CfnStatement[] }).Statement);
  }
}

const actionsOf = (s: CfnStatement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: CfnStatement) => (Array.isArray(s.Resource) ? (s.Resource as unknown[]) : [s.Resource]);
/** Whether some statement allows the action, optionally on exactly this resource. */
function allows(statements: CfnStatement[], action: string, resource?: unknown): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).includes(action) &&
      (resource === undefined || resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify(resource))),
  );
}

/** cdk-nag acknowledgements written into the template (writeSuppressionsToCloudFormation). */
const nagMetadata = (resource: CfnResource | undefined) => resource?.Metadata?.cdk_nag?.rules_to_suppress ?? [];

function readReport(assembly: CloudAssembly): ValidationReport {
  return JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
}

// ---- The default app: Cognito, bundled functions, cdk-nag --------------------
let app: App;
let stack: CareDispatchStack;
let assembly: CloudAssembly;
let cfn: Inspector;
let cli: Promise<{ code: number | null; output: string }>;
let cliOut: string;

beforeAll(() => {
  // The CLI runs in a child process, in parallel with the in-process synth.
  cliOut = tempDir('care-dispatch-cli-');
  cli = cliSynth(cliOut);
  ({ app, stack } = buildApp({ outdir: tempDir('care-dispatch-cdk-') }));
  // Throws when cdk-nag (or any validation) reports an unacknowledged error.
  assembly = app.synth();
  cfn = new Inspector(stack, Template.fromStack(stack));
}, 120_000);

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged findings, errors or warnings', () => {
    // Synthesis would already have thrown on an error; warnings only show in the report.
    const reports = readReport(assembly).pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
    expect(reports.flatMap((r) => r.violations.map((v) => `${v.severity} ${v.ruleName}`))).toEqual([]);
    expect(reports.every((r) => r.conclusion === 'success')).toBe(true);
  });

  it('fails synthesis on a finding nobody acknowledged (so the check above can fail)', () => {
    const probe = buildApp({ outdir: tempDir('care-dispatch-nag-'), context: NO_BUNDLING });
    new Queue(probe.stack, 'UnacknowledgedQueue');
    expect(() => probe.app.synth()).toThrow(/AwsSolutions-SQS[34]/);
  });

  it('acknowledges only the findings recorded in docs/decisions/0005, each with a reason', () => {
    const acknowledged = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(cfn.resources)) {
      for (const rule of nagMetadata(resource)) {
        expect(rule.reason.length, `${rule.id} on ${id}`).toBeGreaterThan(40);
        acknowledged.set(rule.id, (acknowledged.get(rule.id) ?? new Set()).add(resource.Type));
      }
    }
    expect([...acknowledged.keys()].sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-IAM5[Resource::*]',
        `AwsSolutions-IAM5[Resource::<${cfn.id(stack.careTable)}.Arn>/index/*]`,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${stack.scheduleGroupName}/*]`,
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ].sort(),
    );
    expect(acknowledged.get('AwsSolutions-SQS3')).toEqual(new Set(['AWS::SQS::Queue', 'AWS::SQS::QueuePolicy']));
    const adr = readFileSync(path.join(PROJECT_ROOT, 'docs/decisions/0005-cdk-nag-acknowledgements.md'), 'utf8');
    for (const id of acknowledged.keys()) expect(adr).toContain(id);
  });

  it('waives authorisation (APIG4) on the public routes only', () => {
    for (const route of routes) {
      const [found] = Object.values(
        cfn.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey(route) } }),
      ) as CfnResource[];
      const waived = nagMetadata(found).some((rule) => rule.id === 'AwsSolutions-APIG4');
      expect(waived, routeKey(route)).toBe(route.access === 'public');
    }
  });
});

describe('tables', () => {
  const cases: [TableDefinition, () => IConstruct][] = [
    [careTable, () => stack.careTable],
    [idempotencyTable, () => stack.idempotencyTable],
  ];

  it('defines exactly the platform tables', () => {
    cfn.template.resourceCountIs('AWS::DynamoDB::GlobalTable', platformTables.length);
  });

  it.each(cases)('$id: keys, indexes, stream, TTL, PITR', (definition, table) => {
    const keySchema = (pk: string, sk?: string) => [
      { AttributeName: pk, KeyType: 'HASH' },
      ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' }] : []),
    ];
    expect(cfn.resource(table()).Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keySchema(definition.partitionKey, definition.sortKey),
      TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
      Replicas: [{ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }],
    });
    const props = cfn.resource(table()).Properties;
    expect(props.GlobalSecondaryIndexes ?? []).toEqual(
      definition.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(props.StreamSpecification).toEqual(definition.stream ? { StreamViewType: definition.stream } : undefined);
  });

  it('retains the care data table and protects it from deletion', () => {
    const table = cfn.resource(stack.careTable);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({ Replicas: [{ DeletionProtectionEnabled: true }] });
  });
});

describe('functions', () => {
  it('has one Lambda function per handler group and no other', () => {
    cfn.template.resourceCountIs('AWS::Lambda::Function', groupNames.length);
  });

  it.each(groupNames)('%s: runtime, architecture, limits, tracing, logging', (group) => {
    const handler = stack.functions[group];
    expect(cfn.resource(handler.function).Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: handlerGroups[group].trigger === 'http' ? 10 : 30,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: cfn.ref(handler.logGroup) },
      Role: cfn.arn(handler.role),
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'care-dispatch',
          NODE_OPTIONS: '--enable-source-maps',
          TABLE_NAME: cfn.ref(stack.careTable),
          // Defaults to the API's own endpoint (and that makes no dependency cycle:
          // Template.fromStack checks for cycles).
          PUBLIC_BASE_URL: { 'Fn::GetAtt': [cfn.id(stack.api), 'ApiEndpoint'] },
        },
      },
    });
    expect(cfn.resource(handler.logGroup).Properties.RetentionInDays).toEqual(expect.any(Number));
  });

  it.each(groupNames)('%s: environment variables follow its needs', (group) => {
    const needs: readonly Need[] = handlerGroups[group].needs;
    const env = (cfn.resource(stack.functions[group].function).Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect('IDEMPOTENCY_TABLE' in env).toBe(needs.includes('idempotency'));
    expect('EVENT_BUS_NAME' in env).toBe(needs.includes('publishEvents'));
    expect('SCHEDULE_GROUP' in env).toBe(needs.includes('scheduleEvents'));
    expect('SCHEDULER_ROLE_ARN' in env).toBe(needs.includes('scheduleEvents'));
    expect('EVENT_BUS_ARN' in env).toBe(needs.includes('publishEvents') || needs.includes('scheduleEvents'));
  });

  it.each(groupNames)('%s: bundled locally by esbuild as minified ESM with a source map', (group) => {
    const asset = stack.functions[group].function.node.findChild('Code') as Asset;
    const dir = path.join(assembly.directory, asset.assetPath);
    const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);
    expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
  });
});

describe('IAM: each function may do what its group needs, and nothing else', () => {
  it.each(groupNames)('%s', (group) => {
    const needs: readonly Need[] = handlerGroups[group].needs;
    const statements = cfn.statements(stack.functions[group].role);
    const careArn = cfn.arn(stack.careTable);
    const idempotencyArn = cfn.arn(stack.idempotencyTable);

    expect(allows(statements, 'dynamodb:GetItem', careArn)).toBe(needs.includes('readTable') || needs.includes('writeTable'));
    expect(allows(statements, 'dynamodb:PutItem', careArn)).toBe(needs.includes('writeTable'));
    expect(allows(statements, 'dynamodb:GetItem', idempotencyArn)).toBe(needs.includes('idempotency'));
    expect(allows(statements, 'events:PutEvents', cfn.arn(stack.bus))).toBe(needs.includes('publishEvents'));
    expect(allows(statements, 'events:PutEvents')).toBe(needs.includes('publishEvents'));
    expect(allows(statements, 'scheduler:CreateSchedule')).toBe(needs.includes('scheduleEvents'));
    expect(allows(statements, 'scheduler:DeleteSchedule')).toBe(needs.includes('scheduleEvents'));
    expect(allows(statements, 'iam:PassRole')).toBe(needs.includes('scheduleEvents'));
    expect(allows(statements, 'sms-voice:SendTextMessage')).toBe(needs.includes('sendSms'));
    // It may write its own log group, and no other.
    expect(allows(statements, 'logs:PutLogEvents', cfn.arn(stack.functions[group].logGroup))).toBe(true);
    expect(statements.filter((s) => actionsOf(s).includes('logs:PutLogEvents'))).toHaveLength(1);
  });

  it('the public function cannot touch DynamoDB at all', () => {
    const statements = cfn.statements(stack.functions.public.role);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('only notify can send SMS, only dispatch and the ledger can create schedules, only relay can publish', () => {
    const holders = (action: string) => groupNames.filter((g) => allows(cfn.statements(stack.functions[g].role), action));
    expect(holders('sms-voice:SendTextMessage')).toEqual(['notify']);
    expect(holders('scheduler:CreateSchedule')).toEqual(['dispatch', 'ledger']);
    expect(holders('events:PutEvents')).toEqual(['relay']);
  });

  it('no action wildcards; Resource * only where the service allows nothing narrower', () => {
    const statements = Object.values(cfn.resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: CfnStatement[] }).Statement);
    expect(statements.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
    const starActions = statements.filter((s) => resourcesOf(s).includes('*')).flatMap(actionsOf);
    expect(new Set(starActions)).toEqual(new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'sms-voice:SendTextMessage']));
  });

  it('no role uses AWS managed policies', () => {
    cfn.template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it.each(['dispatch', 'ledger'] as const)('%s schedules only in the platform’s schedule group, and passes only the scheduler role, only to Scheduler', (group) => {
    const statements = cfn.statements(stack.functions[group].role);
    const create = statements.find((s) => actionsOf(s).includes('scheduler:CreateSchedule'));
    expect(JSON.stringify(create?.Resource)).toContain(`:schedule/${stack.scheduleGroupName}/*`);
    expect(cfn.resource(stack.scheduleGroup).Properties.Name).toBe(stack.scheduleGroupName);
    const passRole = statements.find((s) => actionsOf(s).includes('iam:PassRole'));
    expect(passRole?.Resource).toEqual(cfn.arn(stack.schedulerRole));
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
  });

  it('the scheduler role is assumable by Scheduler of this account and may only put events on the bus', () => {
    expect(cfn.resource(stack.schedulerRole).Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(cfn.statements(stack.schedulerRole)).toEqual([
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: cfn.arn(stack.bus) },
    ]);
  });
});

describe('HTTP API', () => {
  it('has one route per entry of the route table', () => {
    cfn.template.resourceCountIs('AWS::ApiGatewayV2::Route', routes.length);
  });

  it.each(routes.map((route) => [routeKey(route), route] as const))('%s', (key, route) => {
    const matches = cfn.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: key } });
    const [found, ...others] = Object.values(matches) as CfnResource[];
    expect(others).toEqual([]);
    if (route.access === 'public') {
      expect(found?.Properties.AuthorizationType).toBe('NONE');
      expect(found?.Properties.AuthorizerId).toBeUndefined();
    } else {
      expect(found?.Properties.AuthorizationType).toBe('JWT');
      expect(found?.Properties.AuthorizerId).toEqual({ Ref: cfn.template.getResourceId('AWS::ApiGatewayV2::Authorizer') });
    }
    // The route's integration invokes its group's function.
    const target = JSON.stringify(found?.Properties.Target);
    const integrationId = /"Ref":"([^"]+)"/.exec(target)?.[1] ?? '';
    expect(cfn.resources[integrationId]?.Properties.IntegrationUri).toEqual(cfn.arn(stack.functions[route.group].function));
  });

  it('has one integration per HTTP group, reused by its routes', () => {
    cfn.template.resourceCountIs('AWS::ApiGatewayV2::Integration', new Set(routes.map((r) => r.group)).size);
  });

  it('authorises with JWTs of the Cognito user pool and its client', () => {
    expect(stack.userPool).toBeDefined();
    cfn.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [cfn.id(stack.userPool as IConstruct), 'ProviderURL'] }]] },
        Audience: [{ Ref: cfn.template.getResourceId('AWS::Cognito::UserPoolClient') }],
      },
    });
  });

  it('creates a user pool for staff: no self sign-up, strong passwords, OTP MFA, threat protection', () => {
    cfn.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'role' }), Match.objectLike({ Name: 'orgId' })]),
    });
    // Users may read their role and organisation but never write them.
    const client = Object.values(cfn.template.findResources('AWS::Cognito::UserPoolClient'))[0] as CfnResource;
    expect(client.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:role', 'custom:orgId']));
    expect((client.Properties.WriteAttributes as string[]).filter((a) => a.startsWith('custom:'))).toEqual([]);
  });

  it('logs access on the $default stage', () => {
    expect(cfn.resource(stack.apiStage).Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: expect.anything(), Format: expect.stringContaining('$context.routeKey') },
    });
    expect(cfn.resource(stack.apiStage).Properties.AccessLogSettings).not.toMatchObject({
      Format: expect.stringContaining('$context.path'),
    });
  });
});

describe('events', () => {
  it('has the care-dispatch bus', () => {
    cfn.template.resourceCountIs('AWS::Events::EventBus', 1);
    expect(cfn.resource(stack.bus).Properties.Name).toBe('care-dispatch');
  });

  it('has one rule per eventRules entry', () => {
    cfn.template.resourceCountIs('AWS::Events::Rule', eventRules.length);
  });

  it.each(eventRules.map((rule) => [rule.name, rule] as const))('%s: exact pattern, target, retries, DLQ', (_name, rule) => {
    cfn.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: cfn.ref(stack.bus),
      EventPattern: Match.exact(eventPattern(rule)),
      Targets: [
        {
          Arn: cfn.arn(stack.functions[rule.target].function),
          RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
          DeadLetterConfig: { Arn: Match.anyValue() },
        },
      ],
    });
  });

  it('relay reads only new outbox items from the care table stream', () => {
    cfn.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const [mapping] = Object.values(cfn.template.findResources('AWS::Lambda::EventSourceMapping')) as CfnResource[];
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [cfn.id(stack.careTable), 'StreamArn'] },
      FunctionName: cfn.ref(stack.functions.relay.function),
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: expect.any(Number),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } },
    });
    const filters = (mapping?.Properties.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual([outboxStreamFilter]);
  });

  it('every queue is an encrypted, TLS-only dead-letter queue', () => {
    cfn.template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const policy of Object.values(cfn.template.findResources('AWS::SQS::QueuePolicy')) as CfnResource[]) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('failed invocations of event-driven functions land in a queue', () => {
    const eventGroups = groupNames.filter((g) => handlerGroups[g].trigger === 'events');
    cfn.template.resourceCountIs('AWS::Lambda::EventInvokeConfig', eventGroups.length);
    for (const group of eventGroups) {
      cfn.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: cfn.ref(stack.functions[group].function),
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    }
  });
});

describe('with an external OIDC issuer, an SMS sender and a public URL from context', () => {
  const context = {
    ...NO_BUNDLING,
    jwtIssuer: 'https://id.example.cn/realms/care',
    jwtAudience: 'care-dispatch-web',
    smsOriginationIdentityArn: 'arn:aws-cn:sms-voice:cn-northwest-1:123456789012:pool/pool-0123456789abcdef',
    publicBaseUrl: 'https://care.example.cn',
  };
  let other: Inspector;

  beforeAll(() => {
    const built = buildApp({ outdir: tempDir('care-dispatch-ctx-'), context });
    built.app.synth();
    other = new Inspector(built.stack, Template.fromStack(built.stack));
  }, 60_000);

  it('uses that issuer and creates no user pool', () => {
    other.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    other.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: context.jwtIssuer, Audience: [context.jwtAudience] },
    });
  });

  it('lets notify send SMS only from the configured origination identity', () => {
    const notify = other.stack.functions.notify;
    const sms = other.statements(notify.role).filter((s) => actionsOf(s).includes('sms-voice:SendTextMessage'));
    expect(sms.map((s) => s.Resource)).toEqual([context.smsOriginationIdentityArn]);
    expect(other.resource(notify.function).Properties.Environment).toMatchObject({
      Variables: { SMS_ORIGINATION_IDENTITY: context.smsOriginationIdentityArn, PUBLIC_BASE_URL: context.publicBaseUrl },
    });
  });

  it('rejects an issuer without an audience', () => {
    expect(() => buildApp({ context: { ...NO_BUNDLING, jwtIssuer: context.jwtIssuer } })).toThrow(/jwtAudience/);
  });
});

describe('cdk CLI', () => {
  it('`npx cdk synth --quiet` works offline', async () => {
    const { code, output } = await cli;
    expect(code, output).toBe(0);
    expect(existsSync(path.join(cliOut, 'CareDispatch.template.json'))).toBe(true);
  }, 200_000);
});
