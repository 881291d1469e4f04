// DispatchHub's reference production deployment: a private, encrypted Aurora PostgreSQL Serverless v2
// cluster whose credentials live in Secrets Manager, the backend on EC2 (an Auto Scaling group) with
// an instance role that may read exactly its secrets and send through SES, and security groups that
// admit PostgreSQL only from the backend. The stack is environment-agnostic and does no lookups, so
// `cdk synth` works offline without an AWS account.
import * as cdk from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface DispatchHubStackProps extends cdk.StackProps {
  /** Domain to verify as an SES identity (DKIM records are output); omit to manage SES outside this stack. */
  readonly sesDomain?: string;
  /** ACM certificate ARN: adds an internet-facing HTTPS load balancer in front of the backend. */
  readonly certificateArn?: string;
  /** Number of backend instances (each runs `dispatchhub serve` with its embedded worker). */
  readonly backendCount?: number;
  readonly instanceType?: string;
  /** SSM parameter holding the Debian 12 AMI id (resolved by CloudFormation at deploy time, not by synth). */
  readonly amiSsmParameter?: string;
  readonly dbMinCapacity?: number;
  readonly dbMaxCapacity?: number;
  readonly backupRetentionDays?: number;
}

export const BACKEND_HTTP_PORT = 8080;
export const DB_NAME = 'dispatchhub';

export class DispatchHubStack extends cdk.Stack {
  public readonly vpc: ec2.Vpc;
  public readonly cluster: rds.DatabaseCluster;
  public readonly dbSecret: secretsmanager.ISecret;
  public readonly jwtSecret: secretsmanager.Secret;
  public readonly backendRole: iam.Role;
  public readonly backendSecurityGroup: ec2.SecurityGroup;
  public readonly dbSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DispatchHubStackProps = {}) {
    super(scope, id, props);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    this.backendSecurityGroup = new ec2.SecurityGroup(this, 'BackendSecurityGroup', {
      vpc: this.vpc,
      description: 'DispatchHub backend instances',
      allowAllOutbound: false,
    });
    this.dbSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: 'DispatchHub Aurora cluster: PostgreSQL from the backend only',
      allowAllOutbound: false,
    });
    this.dbSecurityGroup.addIngressRule(this.backendSecurityGroup, ec2.Port.tcp(5432), 'PostgreSQL from the backend');
    this.backendSecurityGroup.addEgressRule(this.dbSecurityGroup, ec2.Port.tcp(5432), 'PostgreSQL');
    // AWS APIs (Secrets Manager, SES, SSM) over HTTPS through the NAT gateway; Debian mirrors over HTTP.
    this.backendSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: AWS APIs');
    this.backendSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP: package mirrors');

    this.cluster = this.createDatabase(props);
    this.dbSecret = this.cluster.secret!;
    this.jwtSecret = new secretsmanager.Secret(this, 'JwtSecret', {
      description: 'DispatchHub JWT signing key (JWT_SECRET)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });

    this.backendRole = this.createBackendRole(props);
    const asg = this.createBackend(props);
    if (props.certificateArn) this.createLoadBalancer(props.certificateArn, asg);
    if (props.sesDomain) this.createSesIdentity(props.sesDomain);

    new cdk.CfnOutput(this, 'DatabaseSecretArn', { value: this.dbSecret.secretArn });
    new cdk.CfnOutput(this, 'JwtSecretArn', { value: this.jwtSecret.secretArn });
    new cdk.CfnOutput(this, 'DatabaseEndpoint', { value: this.cluster.clusterEndpoint.hostname });
    new cdk.CfnOutput(this, 'BackendAutoScalingGroup', { value: asg.autoScalingGroupName });
  }

  private createDatabase(props: DispatchHubStackProps): rds.DatabaseCluster {
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_15_8 });
    return new rds.DatabaseCluster(this, 'Database', {
      engine,
      // The master user runs migrations (it needs CREATEROLE); the app itself switches to the
      // unprivileged dispatchhub_app role on every connection.
      credentials: rds.Credentials.fromGeneratedSecret('dispatchhub_admin', {
        secretName: 'dispatchhub/database',
        excludeCharacters: ' %+~`#$&*()|[]{}:;<>?!\'/@"\\',
      }),
      defaultDatabaseName: DB_NAME,
      writer: rds.ClusterInstance.serverlessV2('writer', { publiclyAccessible: false }),
      readers: [rds.ClusterInstance.serverlessV2('reader', { scaleWithWriter: true, publiclyAccessible: false })],
      serverlessV2MinCapacity: props.dbMinCapacity ?? 0.5,
      serverlessV2MaxCapacity: props.dbMaxCapacity ?? 8,
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.dbSecurityGroup],
      storageEncrypted: true,
      deletionProtection: true,
      removalPolicy: cdk.RemovalPolicy.SNAPSHOT,
      backup: { retention: cdk.Duration.days(props.backupRetentionDays ?? 14), preferredWindow: '03:00-04:00' },
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
      // Clients must use TLS (sslmode=verify-full with the RDS CA bundle).
      parameters: { 'rds.force_ssl': '1' },
      cloudwatchLogsExports: ['postgresql'],
      copyTagsToSnapshot: true,
    });
  }

  /** Least privilege: read these two secrets, send mail through SES, be reachable by SSM. */
  private createBackendRole(props: DispatchHubStackProps): iam.Role {
    const role = new iam.Role(this, 'BackendRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'DispatchHub backend: read its secrets, send through SES',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadOwnSecrets',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [this.dbSecret.secretArn, this.jwtSecret.secretArn],
    }));
    const identity = props.sesDomain ?? '*';
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'SendMail',
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })],
    }));
    return role;
  }

  private createBackend(props: DispatchHubStackProps): autoscaling.AutoScalingGroup {
    const amiParameter = props.amiSsmParameter ?? '/aws/service/debian/release/12/latest/amd64';
    const launchTemplate = new ec2.LaunchTemplate(this, 'BackendLaunchTemplate', {
      machineImage: ec2.MachineImage.fromSsmParameter(amiParameter, { os: ec2.OperatingSystemType.LINUX }),
      instanceType: new ec2.InstanceType(props.instanceType ?? 't3.medium'),
      role: this.backendRole,
      securityGroup: this.backendSecurityGroup,
      requireImdsv2: true,  // the backend fetches its role credentials with the IMDSv2 token flow
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: false,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
      }],
      userData: this.backendUserData(),
    });
    const count = props.backendCount ?? 1;
    return new autoscaling.AutoScalingGroup(this, 'Backend', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: count,
      maxCapacity: count,
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: cdk.Duration.minutes(5) }),
    });
  }

  /** Prepares the host: user, directories and the environment file. The binary arrives with `make install`. */
  private backendUserData(): ec2.UserData {
    const userData = ec2.UserData.forLinux();
    const env = [
      `DATABASE_SECRET_ARN=${this.dbSecret.secretArn}`,
      `JWT_SECRET_SECRET_ARN=${this.jwtSecret.secretArn}`,
      `AWS_REGION=${cdk.Aws.REGION}`,
      `SES_REGION=${cdk.Aws.REGION}`,
      'PGSSLMODE=verify-full',
      'PGSSLROOTCERT=/etc/dispatchhub/rds-global-bundle.pem',
      `HTTP_LISTEN=0.0.0.0:${BACKEND_HTTP_PORT}`,
      // The load balancer connects from addresses of the VPC and appends the client's address to
      // X-Forwarded-For; only its security group reaches the backend, so the VPC range is the proxy.
      `TRUSTED_PROXIES=${this.vpc.vpcCidrBlock}`,
      'DATA_DIR=/var/lib/dispatchhub',
      'SMTP_LISTEN=off',
      'LOG_FORMAT=json',
    ];
    userData.addCommands(
      'set -eu',
      'apt-get update -qq',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ca-certificates curl ' +
        'libpq5 libsodium23 libspdlog1.10 libfmt9 libcurl4 libgmime-3.0-0 libidn2-0 libcmark0.30.2 ' +
        'libprometheus-cpp-core1.0 libcares2 libjemalloc2 postgresql-client-15',
      'id dispatchhub >/dev/null 2>&1 || useradd --system --home-dir /var/lib/dispatchhub --shell /usr/sbin/nologin dispatchhub',
      'install -d -o dispatchhub -g dispatchhub -m 0750 /var/lib/dispatchhub',
      'install -d -m 0755 /etc/dispatchhub',
      'curl -fsSL https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem -o /etc/dispatchhub/rds-global-bundle.pem',
      `cat > /etc/dispatchhub/dispatchhub.env <<'ENVEOF'\n${env.join('\n')}\nENVEOF`,
      'chmod 0640 /etc/dispatchhub/dispatchhub.env && chgrp dispatchhub /etc/dispatchhub/dispatchhub.env',
      'if [ -x /usr/local/bin/dispatchhub ]; then systemctl enable --now dispatchhub.service; fi',
    );
    return userData;
  }

  private createLoadBalancer(certificateArn: string, asg: autoscaling.AutoScalingGroup): void {
    const albSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: this.vpc,
      description: 'DispatchHub load balancer: HTTPS from anywhere',
      allowAllOutbound: false,
    });
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: this.vpc,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const listener = alb.addListener('Https', {
      port: 443,
      certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    listener.addTargets('Backend', {
      port: BACKEND_HTTP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [asg],
      healthCheck: { path: '/readyz', healthyHttpCodes: '200' },
    });
    new cdk.CfnOutput(this, 'LoadBalancerDns', { value: alb.loadBalancerDnsName });
  }

  private createSesIdentity(domain: string): void {
    const identity = new ses.EmailIdentity(this, 'SesIdentity', {
      identity: ses.Identity.domain(domain),
      mailFromDomain: `bounce.${domain}`,
    });
    identity.dkimRecords.forEach((record, i) => {
      new cdk.CfnOutput(this, `SesDkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}` });
    });
  }
}
