import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type GroupName, handlerEntry, handlerGroups } from '../functions/groups.js';

export const SERVICE_NAME = 'care-dispatch';

export interface HandlerFunctionProps {
  group: GroupName;
  /** Repository root: entry files and package-lock.json are resolved from here. */
  projectRoot: string;
  /** Variables beyond the ones every function gets. */
  environment: Record<string, string>;
  logRetention: RetentionDays;
}

/**
 * One handler group as a Lambda function, with its own role and log group so
 * that each function's permissions are exactly what its group needs.
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const group = handlerGroups[props.group];

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });

    // An own role instead of AWSLambdaBasicExecutionRole, whose logs
    // permissions cover every log group in the account.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `care-dispatch ${props.group}: ${group.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: group.description,
      entry: path.join(props.projectRoot, handlerEntry(props.group)),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      // HTTP calls wait on a person; background work may wait on retries downstream.
      timeout: Duration.seconds(group.trigger === 'http' ? 10 : 30),
      role: this.role,
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        // CommonJS dependencies inside an ESM bundle still call require().
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too: the versions we test with (package-lock.json)
        // are the versions that run, instead of whatever the runtime ships.
        externalModules: [],
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (Resource must be *). Every other statement of this role names its resources.',
    });
  }
}
