#!/usr/bin/env node
// The CDK app: one environment-agnostic stack, configured through context (-c key=value or cdk.json).
import * as cdk from 'aws-cdk-lib';
import { DispatchHubStack } from '../lib/dispatchhub-stack';

const app = new cdk.App();
const ctx = (key: string): string | undefined => app.node.tryGetContext(key);
const num = (key: string): number | undefined => (ctx(key) === undefined ? undefined : Number(ctx(key)));

new DispatchHubStack(app, ctx('stackName') ?? 'DispatchHub', {
  description: 'DispatchHub: Aurora PostgreSQL Serverless v2, Secrets Manager, EC2 backend, SES',
  sesDomain: ctx('sesDomain'),
  certificateArn: ctx('certificateArn'),
  backendCount: num('backendCount'),
  instanceType: ctx('instanceType'),
  amiSsmParameter: ctx('amiSsmParameter'),
  dbMinCapacity: num('dbMinCapacity'),
  dbMaxCapacity: num('dbMaxCapacity'),
  backupRetentionDays: num('backupRetentionDays'),
});
