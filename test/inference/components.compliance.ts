import { Size, Stack } from 'aws-cdk-lib';
import { SecureDataLake } from '../../lib/data-lake/secure-data-lake';
import { InferenceComponentEndpoint } from '../../lib/inference/inference-component-endpoint';
import { ModelSource } from '../../lib/inference/model-source';
import { sharedMatrix } from '../helpers/compliance';

const packageOf = (group: string) => `arn:aws:sagemaker:us-east-1:123456789012:model-package/${group}/3`;
const TGI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04';

// Every configuration of this file is checked in one app and one synth (see ComplianceMatrix).
const matrix = sharedMatrix().section('Components');

describe('InferenceComponentEndpoint compliance (every pack, Control Tower, strict schema)', () => {
  matrix.add('Warm', (app) => {
    const stack = new Stack(app, 'Warm');
    const endpoint = new InferenceComponentEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), instanceType: 'ml.g5.12xlarge', maxInstanceCount: 4, requireGpu: true });
    endpoint.addComponent('Chat', { model: ModelSource.fromModelPackage(packageOf('chat')), modelPackageGroupName: 'chat', acceleratorCount: 2, minCopies: 2, maxCopies: 4 });
    endpoint.addComponent('Embed', { model: ModelSource.fromImageUri(TGI, { modelDataKey: 'models/embed/model.tar.gz' }), acceleratorCount: 1, minMemory: Size.gibibytes(4), minCopies: 2 });
    return endpoint;
  });
  test('two warm components on a GPU fleet, one promoted from the registry: zero findings', () => {
    expect(matrix.findings('Warm')).toEqual([]);
  });

  matrix.add('ToZero', (app) => {
    const stack = new Stack(app, 'ToZero');
    const endpoint = new InferenceComponentEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), maxInstanceCount: 1 });
    endpoint.addComponent('Llm', { model: ModelSource.fromModelPackage(packageOf('llm-zero')), modelPackageGroupName: 'llm-zero', allowSelfApproval: true, minCopies: 0, maxCopies: 1 });
    return endpoint;
  });
  test('a component that scales to zero (acknowledged on the component, with its reason): zero findings', () => {
    expect(matrix.findings('ToZero')).toEqual([]);
  });

  matrix.add('FirstApproval', (app) => {
    const stack = new Stack(app, 'FirstApproval');
    const endpoint = new InferenceComponentEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), maxInstanceCount: 1 });
    endpoint.addComponent('Llm', { modelPackageGroupName: 'first', minCopies: 0, maxCopies: 1 });
    return endpoint;
  });
  test('a component the first approved version creates (the function registers its scaling): zero findings', () => {
    expect(matrix.findings('FirstApproval')).toEqual([]);
  });

  matrix.add('Cpu', (app) => {
    const stack = new Stack(app, 'Cpu');
    const endpoint = new InferenceComponentEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake'), instanceType: 'ml.m5.2xlarge', minInstanceCount: 2 });
    endpoint.addComponent('Small', { model: ModelSource.fromImageUri(TGI), cpuCoreCount: 2, minMemory: Size.gibibytes(8), minCopies: 2 });
    return endpoint;
  });
  test('an EBS-backed CPU fleet (storage key set): zero findings', () => {
    expect(matrix.findings('Cpu')).toEqual([]);
  });

  matrix.add('OneCopy', (app) => {
    const stack = new Stack(app, 'OneCopy');
    const endpoint = new InferenceComponentEndpoint(stack, 'Endpoint', { dataLake: new SecureDataLake(stack, 'Lake') });
    endpoint.addComponent('Llm', { model: ModelSource.fromImageUri(TGI) });
    return endpoint;
  });
  test('a component left at the default single copy is the one warning the owner must decide on', () => {
    expect(matrix.findings('OneCopy')).toEqual(['GenAI GenAI-SageMakerEndpointMultiInstance @ OneCopy/Endpoint/Llm/Resource']);
  });
});
