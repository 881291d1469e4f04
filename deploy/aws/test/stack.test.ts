// Assertions on the synthesised CloudFormation template: each property the reference deployment
// promises (private encrypted Serverless v2 database, credentials in Secrets Manager, least-privilege
// backend role, PostgreSQL reachable only from the backend) is checked here, offline.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as cdk from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DispatchHubStack, DispatchHubStackProps } from '../lib/dispatchhub-stack';

type Resources = Record<string, { Type: string; Properties?: any }>;

function synth(props: DispatchHubStackProps = {}): { stack: DispatchHubStack; template: Template; resources: Resources } {
  const app = new cdk.App();
  const stack = new DispatchHubStack(app, 'Test', props);
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources as Resources };
}

function ofType(resources: Resources, type: string): [string, any][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type).map(([id, r]) => [id, r.Properties ?? {}]);
}

function refId(value: any): string | undefined {
  if (value && typeof value === 'object') {
    if ('Ref' in value) return value.Ref;
    if ('Fn::GetAtt' in value) return value['Fn::GetAtt'][0];
  }
  return undefined;
}

/** Logical ids of the subnets of one CDK subnet type ("Isolated", "Private", "Public"). */
function subnetsOfType(resources: Resources, kind: string): string[] {
  return ofType(resources, 'AWS::EC2::Subnet')
    .filter(([, p]) => (p.Tags ?? []).some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === kind))
    .map(([id]) => id);
}

const base = synth();

describe('network', () => {
  test('the VPC has public, private-with-egress and private isolated subnets in two zones', () => {
    assert.equal(subnetsOfType(base.resources, 'Public').length, 2);
    assert.equal(subnetsOfType(base.resources, 'Private').length, 2);
    assert.equal(subnetsOfType(base.resources, 'Isolated').length, 2);
    base.template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('isolated subnets have no route to the internet', () => {
    const isolated = new Set(subnetsOfType(base.resources, 'Isolated'));
    const tables = ofType(base.resources, 'AWS::EC2::SubnetRouteTableAssociation')
      .filter(([, p]) => isolated.has(refId(p.SubnetId)!))
      .map(([, p]) => refId(p.RouteTableId));
    assert.equal(tables.length, 2);
    const routes = ofType(base.resources, 'AWS::EC2::Route').filter(([, p]) => tables.includes(refId(p.RouteTableId)));
    assert.deepEqual(routes, []);
  });
});

describe('database', () => {
  test('Aurora PostgreSQL cluster is encrypted, protected from deletion and backed up', () => {
    base.template.resourceCountIs('AWS::RDS::DBCluster', 1);
    base.template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      DatabaseName: 'dispatchhub',
    });
    base.template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
  });

  test('the cluster is Serverless v2 and its instances are not publicly accessible', () => {
    base.template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
    });
    const instances = ofType(base.resources, 'AWS::RDS::DBInstance');
    assert.ok(instances.length >= 1);
    for (const [, p] of instances) {
      assert.equal(p.DBInstanceClass, 'db.serverless');
      assert.equal(p.PubliclyAccessible, false);
    }
  });

  test('the cluster lives in the isolated subnets and requires TLS', () => {
    const isolated = subnetsOfType(base.resources, 'Isolated').sort();
    const [[, group]] = ofType(base.resources, 'AWS::RDS::DBSubnetGroup');
    assert.deepEqual(group.SubnetIds.map(refId).sort(), isolated);
    base.template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  test('the master credentials are a generated Secrets Manager secret attached to the cluster', () => {
    const secrets = ofType(base.resources, 'AWS::SecretsManager::Secret');
    const dbSecret = secrets.find(([, p]) => p.Name === 'dispatchhub/database');
    assert.ok(dbSecret, 'no dispatchhub/database secret');
    assert.match(dbSecret[1].GenerateSecretString.SecretStringTemplate, /dispatchhub_admin/);
    base.template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
      SecretId: { Ref: dbSecret[0] },
      TargetType: 'AWS::RDS::DBCluster',
    });
    const [[, cluster]] = ofType(base.resources, 'AWS::RDS::DBCluster');
    assert.match(JSON.stringify(cluster.MasterUserPassword), new RegExp(dbSecret[0]));
  });
});

describe('security groups', () => {
  const dbSg = refId(base.stack.resolve(base.stack.dbSecurityGroup.securityGroupId))!;
  const backendSg = refId(base.stack.resolve(base.stack.backendSecurityGroup.securityGroupId))!;

  test('PostgreSQL is admitted only from the backend security group', () => {
    const ingress = ofType(base.resources, 'AWS::EC2::SecurityGroupIngress').filter(([, p]) => refId(p.GroupId) === dbSg);
    assert.equal(ingress.length, 1);
    const [, rule] = ingress[0];
    assert.equal(rule.FromPort, 5432);
    assert.equal(rule.ToPort, 5432);
    assert.equal(refId(rule.SourceSecurityGroupId), backendSg);
    assert.equal(rule.CidrIp, undefined);
    const [, group] = ofType(base.resources, 'AWS::EC2::SecurityGroup').find(([id]) => id === dbSg)!;
    assert.equal(group.SecurityGroupIngress, undefined);
  });

  test('nothing in the template opens PostgreSQL or any port of the database to 0.0.0.0/0', () => {
    const json = JSON.stringify(base.template.toJSON());
    for (const [, p] of [...ofType(base.resources, 'AWS::EC2::SecurityGroupIngress'),
      ...ofType(base.resources, 'AWS::EC2::SecurityGroup').flatMap(([id, g]) =>
        (g.SecurityGroupIngress ?? []).map((r: any) => [id, { ...r, GroupId: { Ref: id } }] as [string, any]))]) {
      if (p.FromPort <= 5432 && 5432 <= p.ToPort) assert.notEqual(p.CidrIp, '0.0.0.0/0');
      if (refId(p.GroupId) === dbSg) assert.equal(p.CidrIp, undefined);
    }
    assert.ok(json.includes('5432'));
  });

  test('the backend security group admits nothing without a load balancer', () => {
    const ingress = ofType(base.resources, 'AWS::EC2::SecurityGroupIngress').filter(([, p]) => refId(p.GroupId) === backendSg);
    assert.deepEqual(ingress, []);
  });
});

describe('backend', () => {
  test('instances run in private subnets without public addresses and require IMDSv2', () => {
    const [[, asg]] = ofType(base.resources, 'AWS::AutoScaling::AutoScalingGroup');
    const privateSubnets = subnetsOfType(base.resources, 'Private').sort();
    assert.deepEqual(asg.VPCZoneIdentifier.map(refId).sort(), privateSubnets);
    base.template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
      }),
    });
    const [[, lt]] = ofType(base.resources, 'AWS::EC2::LaunchTemplate');
    for (const nic of lt.LaunchTemplateData.NetworkInterfaces ?? []) assert.equal(nic.AssociatePublicIpAddress, false);
  });

  test('the environment file points the backend at its secrets, not at the secret values', () => {
    const [[, lt]] = ofType(base.resources, 'AWS::EC2::LaunchTemplate');
    const userData = JSON.stringify(lt.LaunchTemplateData.UserData);
    assert.match(userData, /DATABASE_SECRET_ARN=/);
    assert.match(userData, /JWT_SECRET_SECRET_ARN=/);
    assert.match(userData, /SES_REGION=/);
    assert.doesNotMatch(userData, /SecretString/);
  });

  test('the backend believes X-Forwarded-For only from its VPC (the load balancer)', () => {
    const [[, lt]] = ofType(base.resources, 'AWS::EC2::LaunchTemplate');
    const userData = JSON.stringify(lt.LaunchTemplateData.UserData);
    const vpc = refId(base.stack.resolve(base.stack.vpc.vpcId));
    assert.match(userData, /TRUSTED_PROXIES=/);
    assert.ok(userData.includes(`{"Fn::GetAtt":["${vpc}","CidrBlock"]}`), userData);
  });
});

describe('IAM', () => {
  const policies = ofType(base.resources, 'AWS::IAM::Policy');
  const role = refId(base.stack.resolve(base.stack.backendRole.roleName))!;
  const statements = policies.filter(([, p]) => p.Roles.some((r: any) => refId(r) === role))
    .flatMap(([, p]) => p.PolicyDocument.Statement);
  const actionsOf = (s: any): string[] => [s.Action].flat();

  test('the backend may read exactly its two secrets', () => {
    const reads = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')));
    assert.equal(reads.length, 1);
    assert.deepEqual(actionsOf(reads[0]), ['secretsmanager:GetSecretValue']);
    const resources = [reads[0].Resource].flat().map(refId).sort();
    const dbSecret = refId(base.stack.resolve(base.stack.dbSecret.secretArn));
    const jwtSecret = refId(base.stack.resolve(base.stack.jwtSecret.secretArn));
    assert.deepEqual(resources, [dbSecret, jwtSecret].sort());
  });

  test('the backend may send through SES and do nothing else', () => {
    const all = statements.flatMap(actionsOf).sort();
    assert.deepEqual(all, ['secretsmanager:GetSecretValue', 'ses:SendEmail', 'ses:SendRawEmail']);
    for (const s of statements) {
      assert.equal(s.Effect, 'Allow');
      assert.notEqual(s.Resource, '*');
    }
  });

  test('only the SSM core managed policy is attached (for shell access without SSH)', () => {
    const [, props] = ofType(base.resources, 'AWS::IAM::Role').find(([id]) => id === role)!;
    assert.equal(props.ManagedPolicyArns.length, 1);
    assert.match(JSON.stringify(props.ManagedPolicyArns[0]), /AmazonSSMManagedInstanceCore/);
    assert.match(JSON.stringify(props.AssumeRolePolicyDocument), /ec2\.amazonaws\.com/);
  });
});

describe('optional parts', () => {
  test('no SES identity and no load balancer by default', () => {
    base.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    base.template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
  });

  test('an SES domain identity is created from context and scopes the send permission', () => {
    const { template, resources } = synth({ sesDomain: 'mail.example.com' });
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.example.com' });
    const send = ofType(resources, 'AWS::IAM::Policy').flatMap(([, p]) => p.PolicyDocument.Statement)
      .find((s: any) => [s.Action].flat().includes('ses:SendRawEmail'));
    assert.match(JSON.stringify(send.Resource), /identity\/mail\.example\.com/);
  });

  test('a certificate adds an HTTPS load balancer that alone may reach the backend port', () => {
    const { stack, template, resources } = synth({ certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    const backendSg = refId(stack.resolve(stack.backendSecurityGroup.securityGroupId));
    const ingress = ofType(resources, 'AWS::EC2::SecurityGroupIngress').filter(([, p]) => refId(p.GroupId) === backendSg);
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0][1].FromPort, 8080);
    assert.ok(refId(ingress[0][1].SourceSecurityGroupId));
    assert.equal(ingress[0][1].CidrIp, undefined);
  });
});
