import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Aws, type CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { eventPattern, eventRules, outboxStreamFilter } from '../events/rules.js';
import { type GroupName, groupNames, handlerGroups, type HttpGroupName, type Need } from '../functions/groups.js';
import { routeKey, routes } from '../functions/routes.js';
import { HandlerFunction, SERVICE_NAME } from './handler-function.js';
import { careTable, idempotencyTable, type TableDefinition } from './tables.js';
import type { SmsTemplateId } from '../domain/sms.js';
import { SmsProvider, TencentTemplateIds } from '../functions/shared/sms/config.js';

/** Repository root, found from this file so that the CLI and the tests agree. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface CareDispatchStackProps extends StackProps {
  /** Issuer and audience of callers' JWTs; without them a Cognito user pool is created. */
  jwt?: { issuer: string; audience: string };
  /** Base of caregiver links in SMS; defaults to the HTTP API's own URL. */
  publicBaseUrl?: string;
  /** Phone number, sender id or pool that sends the SMS; scopes sms-voice:SendTextMessage. */
  smsOriginationIdentityArn?: string;
  /**
   * `aws` (End User Messaging SMS, the default) or `tencent` (Tencent Cloud
   * SMS, the usual route to mainland numbers). Context `smsProvider` when absent.
   */
  smsProvider?: SmsProvider;
  /**
   * Tencent Cloud SMS: the SMS application and the id of every registered
   * template (domain/sms.ts). Context `tencentSmsSdkAppId`,
   * `tencentSmsTemplateIds` (JSON), `tencentSmsSignName`, `tencentSmsRegion`
   * when absent. The API key goes into the secret the stack creates.
   */
  tencentSms?: { smsSdkAppId: string; templateIds: Record<SmsTemplateId, string>; signName?: string; region?: string };
  /** At most this many SMS per phone per hour (default 10). Context `smsMaxPerPhonePerHour` when absent. */
  smsMaxPerPhonePerHour?: number;
  /** Defaults to the repository this file lives in. */
  projectRoot?: string;
  /** Retention of function and access logs (they may hold operational personal data). */
  logRetention?: RetentionDays;
}

/** How notify sends SMS, as resolved from props and context. */
interface SmsDeployment {
  provider: SmsProvider;
  originationIdentityArn?: string;
  maxPerPhonePerHour?: number;
  tencent?: { smsSdkAppId: string; templateIds: Record<SmsTemplateId, string>; signName?: string; region?: string };
}

const parseJsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** SMS settings from props, else from context (`cdk deploy -c smsProvider=tencent …`); wrong ones fail the synth. */
function smsDeployment(scope: Construct, props: CareDispatchStackProps): SmsDeployment {
  const context = (key: string): unknown => {
    const value: unknown = scope.node.tryGetContext(key);
    return value === undefined || value === null || value === '' ? undefined : value;
  };
  const provider = SmsProvider.safeParse(props.smsProvider ?? context('smsProvider') ?? 'aws');
  if (!provider.success) throw new Error('smsProvider must be aws or tencent');
  const max = props.smsMaxPerPhonePerHour ?? context('smsMaxPerPhonePerHour');
  if (max !== undefined && !(Number.isInteger(Number(max)) && Number(max) > 0)) throw new Error('smsMaxPerPhonePerHour must be a positive whole number');
  const deployment: SmsDeployment = {
    provider: provider.data,
    ...(props.smsOriginationIdentityArn ? { originationIdentityArn: props.smsOriginationIdentityArn } : {}),
    ...(max !== undefined ? { maxPerPhonePerHour: Number(max) } : {}),
  };
  if (provider.data !== 'tencent') return deployment;

  const templateIdsValue = props.tencentSms?.templateIds ?? context('tencentSmsTemplateIds');
  const templateIds = TencentTemplateIds.safeParse(typeof templateIdsValue === 'string' ? parseJsonOrUndefined(templateIdsValue) : templateIdsValue);
  const smsSdkAppId = props.tencentSms?.smsSdkAppId ?? context('tencentSmsSdkAppId');
  if (typeof smsSdkAppId !== 'string' || !/^\d+$/.test(smsSdkAppId) || !templateIds.success) {
    throw new Error('smsProvider=tencent needs tencentSmsSdkAppId (digits) and tencentSmsTemplateIds (JSON: the provider id of every template in domain/sms.ts)');
  }
  const signName = props.tencentSms?.signName ?? context('tencentSmsSignName');
  const region = props.tencentSms?.region ?? context('tencentSmsRegion');
  return {
    ...deployment,
    tencent: {
      smsSdkAppId,
      templateIds: templateIds.data,
      ...(typeof signName === 'string' ? { signName } : {}),
      ...(typeof region === 'string' ? { region } : {}),
    },
  };
}

/** A dead-letter queue: encrypted, TLS only, kept as long as SQS allows. */
function deadLetterQueue(scope: Construct, id: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself a dead-letter queue (of an EventBridge target, a Lambda async invocation or a stream event source); operators drain it by hand, so a further DLQ would add nothing.',
  });
  return queue;
}

/** The construct id of a group: `dispatch` → `Dispatch`. */
const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

export class CareDispatchStack extends Stack {
  readonly careTable: TableV2;
  readonly idempotencyTable: TableV2;
  readonly bus: EventBus;
  readonly scheduleGroup: ScheduleGroup;
  readonly piiHashKey: Secret;
  /** Tencent Cloud API key for SMS, when that is the provider: `{"secretId": "…", "secretKey": "…"}`. */
  readonly tencentSmsCredentials?: Secret;
  /** Known at synth time, unlike a generated name, so policies and acknowledgements can spell it. */
  readonly scheduleGroupName: string;
  readonly schedulerRole: Role;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  readonly functions: Record<GroupName, HandlerFunction>;
  readonly userPool?: UserPool;

  constructor(scope: Construct, id: string, props: CareDispatchStackProps = {}) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const logRetention = props.logRetention ?? RetentionDays.THREE_MONTHS;

    // ---- State -------------------------------------------------------------
    this.careTable = this.table(careTable, RemovalPolicy.RETAIN);
    // Idempotency records live for hours; losing them with the stack loses nothing.
    this.idempotencyTable = this.table(idempotencyTable, RemovalPolicy.DESTROY);

    // ---- Events ------------------------------------------------------------
    this.bus = new EventBus(this, 'Bus', { eventBusName: SERVICE_NAME });

    // Offer-wave deadlines: one-time schedules that put an event on the bus.
    this.scheduleGroupName = `${this.stackName}-offer-deadlines`;
    this.scheduleGroup = new ScheduleGroup(this, 'OfferDeadlines', {
      scheduleGroupName: this.scheduleGroupName,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: puts offer-wave deadline events on the platform bus',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    });
    this.bus.grantPutEventsTo(this.schedulerRole);

    // The key of the keyed hash under which resident ID numbers are kept.
    this.piiHashKey = new Secret(this, 'PiiHashKey', {
      description: 'HMAC key for resident ID numbers (duplicate detection only; the numbers are never stored)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.piiHashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating this key would orphan every stored hash (duplicate detection would stop finding existing people); it is rotated only together with a re-hash of all records, by hand.',
    });

    // ---- SMS provider --------------------------------------------------------
    const sms = smsDeployment(this, props);
    if (sms.tencent) {
      // Created with a placeholder id: the operator puts the real key in after deploying. Code never holds it.
      this.tencentSmsCredentials = new Secret(this, 'TencentSmsCredentials', {
        description: 'Tencent Cloud API key for SMS, {"secretId": "…", "secretKey": "…"}: a sub-account key allowed to send SMS only',
        generateSecretString: { secretStringTemplate: JSON.stringify({ secretId: 'set-after-deploy' }), generateStringKey: 'secretKey', excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(this.tencentSmsCredentials).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Tencent Cloud issues this key, not AWS, so a rotation function cannot mint a new one; it is rotated in the Tencent Cloud console and put here by hand (docs/decisions/0010).',
      });
    }

    // ---- HTTP API (created before the functions: they link to its URL) -----
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: logRetention });
    // routeKey, never the raw path: a caregiver's link token must not end up in logs.
    const accessLogFormat = AccessLogFormat.custom(
      JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        sourceIp: '$context.identity.sourceIp',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        responseLength: '$context.responseLength',
        authorizerError: '$context.authorizer.error',
        integrationError: '$context.integrationErrorMessage',
      }),
    );
    this.api = new HttpApi(this, 'Api', {
      apiName: SERVICE_NAME,
      description: 'Care Dispatch HTTP API',
      // Our own $default stage, so that it can have access logs and throttling.
      createDefaultStage: false,
    });
    this.apiStage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
      throttle: { rateLimit: 100, burstLimit: 200 },
    });
    // The API depends on no function, so functions may read its endpoint without a cycle.
    const publicBaseUrl = props.publicBaseUrl ?? this.api.apiEndpoint;

    // ---- Functions ---------------------------------------------------------
    const functions: Partial<Record<GroupName, HandlerFunction>> = {};
    for (const group of groupNames) {
      const needs: readonly Need[] = handlerGroups[group].needs;
      const handler = new HandlerFunction(this, pascal(group), {
        group,
        projectRoot,
        logRetention,
        environment: {
          // Every function builds its platform config from TABLE_NAME, even one that never reads it.
          [careTable.envVar]: this.careTable.tableName,
          PUBLIC_BASE_URL: publicBaseUrl,
          ...this.environmentFor(needs, sms),
        },
      });
      this.grant(handler, needs, sms);
      functions[group] = handler;
    }
    this.functions = functions as Record<GroupName, HandlerFunction>;

    // ---- Routes ------------------------------------------------------------
    let jwt = props.jwt;
    if (!jwt) {
      const cognito = this.cognito();
      this.userPool = cognito.userPool;
      jwt = cognito;
    }
    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', jwt.issuer, { jwtAudience: [jwt.audience] });
    const noAuthorizer = new HttpNoneAuthorizer();
    const integrations = new Map<HttpGroupName, HttpLambdaIntegration>();
    const integrationFor = (group: HttpGroupName) => {
      let integration = integrations.get(group);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascal(group)}Integration`, this.functions[group].function);
        integrations.set(group, integration);
      }
      return integration;
    };
    for (const route of routes) {
      const isPublic = route.access === 'public';
      const authorizer: IHttpRouteAuthorizer = isPublic ? noAuthorizer : jwtAuthorizer;
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.group),
        authorizer,
      });
      if (isPublic && httpRoute) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${routeKey(route)} is public by design: health, the service catalogue and the OpenAPI document are not personal data, and a caregiver's /j/{token} link is authorised by its own 128-bit single-offer token (checked in the handler), because caregivers have no accounts.`,
        });
      }
    }

    // ---- Event rules -------------------------------------------------------
    for (const rule of eventRules) {
      const pattern = eventPattern(rule);
      const target = this.functions[rule.target].function;
      new Rule(this, `${rule.name}Rule`, {
        eventBus: this.bus,
        description: rule.description,
        eventPattern: { source: pattern.source, detailType: pattern['detail-type'] },
        targets: [
          new LambdaFunction(target, {
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
            deadLetterQueue: deadLetterQueue(this, `${rule.name}DeliveryDlq`),
          }),
        ],
      });
    }
    // The rule DLQs catch failed deliveries only; events the function itself
    // fails on (after Lambda's own retries) land here instead of vanishing.
    for (const group of groupNames) {
      if (handlerGroups[group].trigger !== 'events') continue;
      this.functions[group].function.configureAsyncInvoke({
        retryAttempts: 2,
        onFailure: new SqsDestination(deadLetterQueue(this, `${pascal(group)}FailedEvents`)),
      });
    }

    // ---- Outbox relay --------------------------------------------------------
    this.functions.relay.function.addEventSource(
      new DynamoEventSource(this.careTable, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: 10,
        filters: [FilterCriteria.filter(outboxStreamFilter)],
        onFailure: new SqsDlq(deadLetterQueue(this, 'RelayFailedBatches')),
      }),
    );

    // ---- Outputs -----------------------------------------------------------
    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url });
    new CfnOutput(this, 'PublicBaseUrl', { value: publicBaseUrl });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'CareTableName', { value: this.careTable.tableName });
    new CfnOutput(this, 'JwtIssuer', { value: jwt.issuer });
    new CfnOutput(this, 'JwtAudience', { value: jwt.audience });
  }

  private table(definition: TableDefinition, removalPolicy: RemovalPolicy): TableV2 {
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    return new TableV2(this, definition.id, {
      partitionKey: key(definition.partitionKey),
      sortKey: definition.sortKey ? key(definition.sortKey) : undefined,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
      timeToLiveAttribute: definition.ttlAttribute,
      dynamoStream: definition.stream ? StreamViewType[definition.stream] : undefined,
      globalSecondaryIndexes: definition.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        projectionType: ProjectionType.ALL,
      })),
    });
  }

  /** Environment variables a function needs for its `needs`, beyond TABLE_NAME. */
  private environmentFor(needs: readonly Need[], sms: SmsDeployment): Record<string, string> {
    const env: Record<string, string> = {};
    if (needs.includes('idempotency')) env[idempotencyTable.envVar] = this.idempotencyTable.tableName;
    if (needs.includes('publishEvents')) {
      env.EVENT_BUS_NAME = this.bus.eventBusName;
      env.EVENT_BUS_ARN = this.bus.eventBusArn;
    }
    if (needs.includes('scheduleEvents')) {
      env.SCHEDULE_GROUP = this.scheduleGroup.scheduleGroupName;
      env.SCHEDULER_ROLE_ARN = this.schedulerRole.roleArn;
      // A schedule's target is the bus itself.
      env.EVENT_BUS_ARN = this.bus.eventBusArn;
    }
    if (needs.includes('sendSms')) Object.assign(env, this.smsEnvironment(sms));
    if (needs.includes('residentIdHash')) env.PII_HASH_KEY_SECRET_ARN = this.piiHashKey.secretArn;
    return env;
  }

  /** What the SMS sender reads (functions/shared/aws/platform.ts): provider, its settings, the per-phone cap. */
  private smsEnvironment(sms: SmsDeployment): Record<string, string> {
    const env: Record<string, string> = {};
    if (sms.maxPerPhonePerHour !== undefined) env.SMS_MAX_PER_PHONE_PER_HOUR = String(sms.maxPerPhonePerHour);
    if (sms.tencent && this.tencentSmsCredentials) {
      env.SMS_PROVIDER = 'tencent';
      env.TENCENT_SMS_SECRET_ARN = this.tencentSmsCredentials.secretArn;
      env.TENCENT_SMS_SDK_APP_ID = sms.tencent.smsSdkAppId;
      env.TENCENT_SMS_TEMPLATE_IDS = JSON.stringify(sms.tencent.templateIds);
      if (sms.tencent.signName) env.TENCENT_SMS_SIGN_NAME = sms.tencent.signName;
      if (sms.tencent.region) env.TENCENT_SMS_REGION = sms.tencent.region;
    } else if (sms.originationIdentityArn) {
      env.SMS_ORIGINATION_IDENTITY = sms.originationIdentityArn;
    }
    return env;
  }

  /** Grants exactly the group's `needs` and nothing else. */
  private grant(handler: HandlerFunction, needs: readonly Need[], sms: SmsDeployment) {
    const fn = handler.function;
    if (needs.includes('writeTable')) this.careTable.grantReadWriteData(fn);
    else if (needs.includes('readTable')) this.careTable.grantReadData(fn);
    if (needs.includes('idempotency')) this.idempotencyTable.grantReadWriteData(fn);
    if (needs.includes('publishEvents')) this.bus.grantPutEventsTo(fn);
    if (needs.includes('residentIdHash')) this.piiHashKey.grantRead(fn);
    if (careTable.indexes.length > 0 && (needs.includes('readTable') || needs.includes('writeTable'))) {
      Validations.of(handler.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.careTable.node.defaultChild as CfnElement)}.Arn>/index/*]`,
        reason: "Queries need the care table's global secondary indexes (GSI1, GEO); index/* is limited to that one table.",
      });
    }

    // Separate policies, so that each wildcard is acknowledged on its own statement only.
    if (needs.includes('scheduleEvents')) {
      // Pseudo parameters rather than formatArn: the ARN (and the acknowledgement
      // below, which must spell it) stays the same whether or not the stack has an env.
      const schedules = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${this.scheduleGroupName}/*`;
      const policy = new Policy(this, `${handler.node.id}SchedulePolicy`, {
        roles: [handler.role],
        statements: [
          new PolicyStatement({ actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'], resources: [schedules] }),
          new PolicyStatement({
            actions: ['iam:PassRole'],
            resources: [this.schedulerRole.roleArn],
            conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          }),
        ],
      });
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.scheduleGroupName}/*]`,
        reason: 'Schedule names are made per offer wave at run time; the wildcard covers only schedules inside our own offer-deadline schedule group.',
      });
    }
    // Tencent Cloud SMS: the function reads its API key and needs no AWS messaging permission at all.
    if (needs.includes('sendSms') && this.tencentSmsCredentials) this.tencentSmsCredentials.grantRead(fn);
    if (needs.includes('sendSms') && sms.provider === 'aws') {
      const smsOriginationIdentityArn = sms.originationIdentityArn;
      const policy = new Policy(this, `${handler.node.id}SmsPolicy`, {
        roles: [handler.role],
        statements: [
          new PolicyStatement({
            actions: ['sms-voice:SendTextMessage'],
            resources: [smsOriginationIdentityArn ?? '*'],
          }),
        ],
      });
      if (!smsOriginationIdentityArn) {
        Validations.of(policy).acknowledge({
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'No origination identity was configured (context smsOriginationIdentityArn), so End User Messaging SMS picks one from the account; set the context to scope this statement to that phone number, sender id or pool.',
        });
      }
    }
  }

  /** A Cognito user pool for staff accounts, used when no external OIDC issuer is configured. */
  private cognito(): { userPool: UserPool; issuer: string; audience: string } {
    const userPool = new UserPool(this, 'Users', {
      // Staff accounts are created by an administrator, bound to a role and an organisation.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      customAttributes: {
        role: new StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
        orgId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus: threat protection blocks compromised credentials and risky sign-ins.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const client = userPool.addClient('WebClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('role', 'orgId'),
      // Users must never set their own role or organisation: no custom attributes here.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    return { userPool, issuer: `https://${userPool.userPoolProviderUrl}`, audience: client.userPoolClientId };
  }
}
