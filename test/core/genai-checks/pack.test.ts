import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { NagMessageLevel } from 'cdk-nag';
import { GenAIChecks } from '../../../lib/core/genai-checks/genai-checks';
import { GENAI_RULES } from '../../../lib/core/genai-checks/rules';
import { complianceFindings, strictApp } from '../../helpers/compliance';

const ONLY_GENAI = { awsSolutions: false, nist80053R5: false, hipaaSecurity: false, controlTower: false };

/** A model without isolation or VPC: one GenAI-SageMakerModelNetworkIsolation finding. */
function openModel(stack: Stack): sagemaker.CfnModel {
  return new sagemaker.CfnModel(stack, 'Model', {
    executionRoleArn: 'arn:aws:iam::123456789012:role/model',
    primaryContainer: { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1' },
  });
}

describe('the GenAIChecks pack', () => {
  test('names itself GenAI and lists every rule id', () => {
    const pack = new GenAIChecks();
    expect(pack.name).toBe('GenAI');
    expect(pack.readPackName).toBe('GenAI');
    expect(pack.ruleIds).toEqual(GenAIChecks.describeRules().map((r) => r.id));
    expect(pack.ruleIds).toEqual(expect.arrayContaining([
      'GenAI-SageMakerModelNetworkIsolation',
      'GenAI-SageMakerEndpointConfigKMSKey',
      'GenAI-SageMakerDataCaptureKMSKey',
      'GenAI-SageMakerEndpointAutoRollback',
      'GenAI-SageMakerEndpointMultiInstance',
      'GenAI-SageMakerJobNetworkIsolation',
      'GenAI-SageMakerJobInterContainerEncryption',
      'GenAI-SageMakerJobOutputKMSKey',
      'GenAI-SageMakerJobVolumeKMSKey',
      'GenAI-SageMakerPipelineRoleNotAdmin',
      'GenAI-BedrockGuardrailPromptAttackFilter',
      'GenAI-BedrockGuardrailPIIFilter',
      'GenAI-BedrockGuardrailContextualGrounding',
      'GenAI-BedrockGuardrailKMSKey',
      'GenAI-LambdaInvokeScopedResources',
    ]));
    expect(new Set(pack.ruleIds).size).toBe(pack.ruleIds?.length);
  });

  test('every rule has one line of info, explanation and fix, and a file of its own', () => {
    for (const rule of GenAIChecks.describeRules()) {
      for (const text of [rule.info, rule.explanation, rule.fix]) {
        expect(text.length).toBeGreaterThan(20);
        expect(text).not.toMatch(/\n/);
      }
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
      const file = rule.id
        .replace(/^GenAI-/, '')
        .replace('SageMaker', 'Sagemaker')
        .replace(/KMS|PII/g, (m) => m[0] + m.slice(1).toLowerCase())
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .toLowerCase();
      expect(existsSync(join(__dirname, '../../../lib/core/genai-checks/rules', `${file}.ts`))).toBe(true);
    }
  });

  test('only the multi-instance rule is a warning', () => {
    expect(GenAIChecks.describeRules().filter((r) => r.level === NagMessageLevel.WARN).map((r) => r.id)).toEqual(['GenAI-SageMakerEndpointMultiInstance']);
    expect(GENAI_RULES.filter((r) => r.level === NagMessageLevel.ERROR)).toHaveLength(GENAI_RULES.length - 1);
  });

  test('registered with Validations.of(app).addPlugins, a finding fails synth', () => {
    const app = new App();
    openModel(new Stack(app, 'S'));
    Validations.of(app).addPlugins(new GenAIChecks(app));
    expect(() => app.synth()).toThrow(/neither network isolation nor a VPC config[\s\S]*Acknowledge with 'GenAI::GenAI-SageMakerModelNetworkIsolation'/);
  });

  test('applyCompliance registers the pack by default, and genAIChecks: false leaves it out', () => {
    const on = strictApp();
    openModel(new Stack(on, 'S'));
    expect(complianceFindings(on, ONLY_GENAI)).toEqual(['GenAI GenAI-SageMakerModelNetworkIsolation @ S/Model']);

    const off = strictApp();
    openModel(new Stack(off, 'S'));
    expect(complianceFindings(off, { ...ONLY_GENAI, genAIChecks: false })).toEqual([]);
  });

  test('a finding acknowledged on the resource or an ancestor is not reported', () => {
    const id = 'GenAI-SageMakerModelNetworkIsolation';
    const onResource = new Stack();
    Validations.of(openModel(onResource)).acknowledge({ id, reason: 'test' });
    expect(new GenAIChecks().validateScope(onResource).violations).toEqual([]);

    const onStack = new Stack();
    openModel(onStack);
    Validations.of(onStack).acknowledge({ id, reason: 'test' });
    expect(new GenAIChecks().validateScope(onStack).violations).toEqual([]);
  });

  test('at synth, the id printed by the report (with the GenAI:: prefix) acknowledges too', () => {
    const app = strictApp();
    const stack = new Stack(app, 'S');
    Validations.of(openModel(stack)).acknowledge({ id: 'GenAI::GenAI-SageMakerModelNetworkIsolation', reason: 'test' });
    expect(complianceFindings(app, ONLY_GENAI)).toEqual([]);
  });

  test('verbose reports carry the explanation and the fix', () => {
    const stack = new Stack();
    openModel(stack);
    const [quiet] = new GenAIChecks().validateScope(stack).violations;
    const [verbose] = new GenAIChecks(undefined, { verbose: true }).validateScope(stack).violations;
    expect(quiet.description).toBe('The SageMaker model has neither network isolation nor a VPC config.');
    expect(verbose.description).toMatch(/^The SageMaker model has neither .* direct internet access .* Fix: Set EnableNetworkIsolation: true/);
    expect(quiet.severity).toBe('error');
  });

  test('the report of a stack without SageMaker or Bedrock resources is clean', () => {
    const stack = new Stack();
    new s3.Bucket(stack, 'B');
    expect(new GenAIChecks().validateScope(stack)).toEqual({ success: true, violations: [] });
  });

  test('compliance.ts documents the option', () => {
    expect(readFileSync(join(__dirname, '../../../lib/core/compliance.ts'), 'utf8')).toMatch(/readonly genAIChecks\?: boolean/);
  });
});
