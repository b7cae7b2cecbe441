import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_TEMPLATES } from '../../domain/sms.js';
import { groupNames, handlerGroups } from '../../functions/groups.js';
import { buildApp } from '../../infra/build-app.js';
import type { CareDispatchStack } from '../../infra/stack.js';

// The stack with Tencent Cloud SMS chosen by context, as `cdk deploy -c smsProvider=tencent …` would build it.
interface CfnStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
}

const templateIds = Object.fromEntries(Object.keys(SMS_TEMPLATES).map((t, i) => [t, String(2300001 + i)]));
const context = {
  'aws:cdk:bundling-stacks': [],
  publicBaseUrl: 'https://ykz.wuhai.gov.cn',
  smsProvider: 'tencent',
  tencentSmsSdkAppId: '1400123456',
  tencentSmsTemplateIds: JSON.stringify(templateIds),
  smsMaxPerPhonePerHour: '6',
};

const dirs: string[] = [];
const outdir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'care-dispatch-sms-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let stack: CareDispatchStack;
let assembly: CloudAssembly;
let resources: Record<string, CfnResource>;
const logicalId = (construct: IConstruct) => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const statementsOf = (role: IConstruct): CfnStatement[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify({ Ref: logicalId(role) })))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: CfnStatement[] }).Statement);
const actions = (s: CfnStatement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(() => {
  const built = buildApp({ outdir: outdir(), context });
  stack = built.stack;
  assembly = built.app.synth(); // throws on any unacknowledged cdk-nag error
  resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, CfnResource> }).Resources;
}, 120_000);

describe('Tencent Cloud SMS chosen by context', () => {
  it('keeps cdk-nag at zero unacknowledged findings', () => {
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string; severity: string }[] }[];
    };
    const nag = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
    expect(nag.flatMap((r) => r.violations.map((v) => `${v.severity} ${v.ruleName}`))).toEqual([]);
    expect(nag.every((r) => r.conclusion === 'success')).toBe(true);
  });

  it('gives notify the provider settings, the secret ARN and the cap; the key itself is not in the template', () => {
    const secret = stack.tencentSmsCredentials!;
    const variables = (resources[logicalId(stack.functions.notify.function)]!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables).toMatchObject({
      SMS_PROVIDER: 'tencent',
      TENCENT_SMS_SECRET_ARN: { Ref: logicalId(secret) },
      TENCENT_SMS_SDK_APP_ID: '1400123456',
      TENCENT_SMS_TEMPLATE_IDS: JSON.stringify(templateIds),
      SMS_MAX_PER_PHONE_PER_HOUR: '6',
      PUBLIC_BASE_URL: 'https://ykz.wuhai.gov.cn',
    });
    expect(variables).not.toHaveProperty('SMS_ORIGINATION_IDENTITY');
    expect(resources[logicalId(secret)]!.Metadata?.cdk_nag?.rules_to_suppress.map((r) => r.id)).toEqual(['AwsSolutions-SMG4']);
  });

  it('lets only notify read the key, and nobody send through AWS messaging', () => {
    const secret = { Ref: logicalId(stack.tencentSmsCredentials!) };
    const readers = groupNames.filter((g) =>
      statementsOf(stack.functions[g].role).some((s) => actions(s).includes('secretsmanager:GetSecretValue') && JSON.stringify(s.Resource) === JSON.stringify(secret)),
    );
    expect(readers).toEqual(groupNames.filter((g) => (handlerGroups[g].needs as readonly string[]).includes('sendSms')));
    expect(readers).toEqual(['notify']);
    const messaging = groupNames.filter((g) => statementsOf(stack.functions[g].role).some((s) => actions(s).some((a) => a.startsWith('sms-voice:'))));
    expect(messaging).toEqual([]);
  });

  it('fails the synth when a template id is missing', () => {
    const { reminder: _reminder, ...partial } = templateIds;
    expect(() => buildApp({ outdir: outdir(), context: { ...context, tencentSmsTemplateIds: JSON.stringify(partial) } })).toThrow(/tencentSmsTemplateIds/);
    expect(() => buildApp({ outdir: outdir(), context: { ...context, smsProvider: 'pigeon' } })).toThrow(/smsProvider/);
  });
});
