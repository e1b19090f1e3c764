import { Construct } from 'constructs';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { OutputEvaluation } from '../../lib/evaluation/output-evaluation';
import { RedTeam } from '../../lib/evaluation/red-team';
import { Guardrail } from '../../lib/guardrails/guardrail';
import { GuardrailFunction } from '../../lib/guardrails/guardrail-function';
import { ModelTarget } from '../../lib/guardrails/model-target';
import { DeploymentStrategy } from '../../lib/inference/deployment-strategy';
import { InferenceEndpoint } from '../../lib/inference/inference-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { sharedMatrix } from '../helpers/compliance';

// Every configuration of this file is checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Evaluation');

function evaluated(name: string, stackProps: StackProps, gated = false) {
  matrix.add(name, (app: Construct) => {
    const stack = new Stack(app, name, stackProps);
    const dataLake = new SecureDataLake(stack, 'Lake');
    const guardrail = new Guardrail(stack, 'Guardrail');
    const generate = new GuardrailFunction(stack, 'Generate', { guardrail, dataLake, modelTarget: ModelTarget.bedrock('amazon.nova-lite-v1:0') });
    const redTeam = new RedTeam(stack, 'RedTeam', { guardrailFunction: generate, dataLake, customCasesPrefix: 'red-team-cases/' });
    const evaluation = new OutputEvaluation(stack, 'Evaluation', { guardrailFunction: generate, dataLake });
    if (gated) {
      const endpoint = new InferenceEndpoint(stack, 'Endpoint', {
        dataLake,
        model: ModelSource.fromModelPackage('arn:aws:sagemaker:us-east-1:123456789012:model-package/group/1'),
        instanceType: 'ml.g5.xlarge',
        minCapacity: 2,
        deploymentStrategy: DeploymentStrategy.canary(10, Duration.minutes(10)),
      });
      redTeam.addPromotionGate(endpoint, { evaluation });
    }
  });
}

evaluated('Evaluation', { env: { account: '123456789012', region: 'us-east-1' } });
evaluated('Gated', { env: { account: '123456789012', region: 'us-east-1' } }, true);

describe('RedTeam + OutputEvaluation compliance (AwsSolutions, NIST 800-53 R5, HIPAA, Control Tower, GenAI checks, schema)', () => {
  test('red team (with custom cases) and output evaluation beside the guardrail function have zero findings', () => {
    expect(matrix.findings('Evaluation')).toEqual([]);
  });

  test('with a promotion gate on an endpoint (queue, rule, rollback alarm) zero findings', () => {
    expect(matrix.findings('Gated')).toEqual([]);
  });
});
