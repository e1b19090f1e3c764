import { Construct } from 'constructs';
import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import { DataZone } from '../../lib/data-lake/data-zone';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { TrainingImage, TrainingPipeline } from '../../lib/training/training-pipeline';
import { sharedMatrix } from '../helpers/compliance';

const DLC = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker';

// Every configuration of this file is checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Training');

const variants: [string, string, Record<string, unknown>][] = [
  ['Spot', 'spot, g5 (NVMe), schedule and data trigger', { useSpot: true, instanceType: 'ml.g5.xlarge' }],
  ['OnDemand', 'on-demand, p3 (EBS), 2 instances, schedule and data trigger', { useSpot: false, instanceType: 'ml.p3.2xlarge', instanceCount: 2 }],
];
for (const [name, , variant] of variants) {
  matrix.add(name, (app: Construct) => {
    const stack = new Stack(app, name);
    const dataLake = new SecureDataLake(stack, 'Lake');
    new TrainingPipeline(stack, 'Pipeline', {
      dataLake,
      trainingImage: TrainingImage.fromImageUri(DLC),
      evaluationImage: TrainingImage.fromImageUri(DLC),
      qualityGate: { metricName: 'metrics.accuracy.value', threshold: 0.8 },
      retrainSchedule: events.Schedule.rate(Duration.days(7)),
      dataTrigger: { zone: DataZone.FEEDBACK, prefix: 'feedback/', debounce: Duration.hours(6) },
      feedbackPrefix: 'feedback/',
      ...variant,
    });
  });
}

matrix.add('TrainingVpc', (app: Construct) => {
    const stack = new Stack(app, 'TrainingVpc');
    const dataLake = new SecureDataLake(stack, 'Lake');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
    });
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'fine-tune');
    new TrainingPipeline(stack, 'Pipeline', {
      dataLake,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      trainingImage: TrainingImage.fromEcrRepository(repository, 'v1'),
      evaluationImage: TrainingImage.fromEcrRepository(repository, 'eval-v1'),
      qualityGate: { metricName: 'metrics.f1.value', threshold: 0.7 },
      instanceType: 'ml.g6e.12xlarge',
      instanceCount: 2,
    });
});

describe('TrainingPipeline compliance', () => {
  test.each(variants)('%s: %s: zero unacknowledged findings in every pack', (name) => {
    expect(matrix.findings(name)).toEqual([]);
  });

  test('in an existing VPC, with an ECR repository image: zero unacknowledged findings', () => {
    expect(matrix.findings('TrainingVpc')).toEqual([]);
  });
});
