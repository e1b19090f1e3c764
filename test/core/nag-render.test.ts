import { App, Fn, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { flattenCfnValue, isCrossStackImport, referencedAttribute, renderedForNag } from '../../lib/core/private/nag-render';

describe('flattenCfnValue mirrors cdk-nag flattenCfnReference', () => {
  const values: Array<[string, unknown]> = [
    ['a literal', 'arn:aws:s3:::bucket/*'],
    ['a literal with ${} placeholders', 'arn:${AWS::Partition}:s3:::${Name}/*'],
    ['Ref', { Ref: 'Bucket1234' }],
    ['Ref of a pseudo parameter', { Ref: 'AWS::Partition' }],
    ['GetAtt', { 'Fn::GetAtt': ['Bucket1234', 'Arn'] }],
    ['Join of Ref, GetAtt and literals', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::GetAtt': ['B', 'Arn'] }, '/x/*']] }],
    ['nested Join with a delimiter', { 'Fn::Join': [':', ['a', { 'Fn::Join': ['/', ['b', 'c*']] }]] }],
    ['Sub with a string', { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:*' }],
    ['Sub with variables (array form)', { 'Fn::Sub': ['${X}/*', { X: { Ref: 'B' } }] }],
    ['ImportValue (strong cross-stack reference)', { 'Fn::Join': ['', [{ 'Fn::ImportValue': 'A:ExportsOutputFnGetAttBArn' }, '/x/*']] }],
    ['GetStackOutput (weak cross-stack reference)', { 'Fn::Join': ['', [{ 'Fn::GetStackOutput': { StackName: 'A', Region: { Ref: 'AWS::Region' }, OutputName: 'O' } }, '/x/*']] }],
    ['a number', 5],
    ['undefined', undefined],
    ['an array', ['a', { Ref: 'B' }]],
    ['an unknown intrinsic', { 'Fn::Select': [0, ['a*']] }],
  ];
  test.each(values)('%s', (_, value) => {
    expect(flattenCfnValue(value)).toBe(flattenCfnReference(value));
  });
});

describe('rendered values', () => {
  for (const strength of ['weak', 'strong']) {
    test(`renderedForNag resolves in the consuming stack, after the app is prepared (${strength} references)`, () => {
      const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': strength } });
      const producer = new Stack(app, 'Producer');
      const bucket = new s3.Bucket(producer, 'Bucket');
      const consumer = new Stack(app, 'Consumer');
      const seen: string[] = [];
      consumer.node.addValidation({
        validate: () => {
          seen.push(renderedForNag(consumer, bucket.arnForObjects('x/*')));
          return [];
        },
      });
      // Before the app is prepared, the reference still renders as the producer's GetAtt.
      expect(renderedForNag(consumer, bucket.arnForObjects('x/*'))).toMatch(/^<Bucket[0-9A-F]{8}\.Arn>\/x\/\*$/);
      // Something in the consumer must use the value, or there is no cross-stack reference.
      new s3.CfnBucketPolicy(consumer, 'Uses', { bucket: 'b', policyDocument: { Statement: [{ Effect: 'Allow', Resource: bucket.arnForObjects('x/*') }] } });
      app.synth();
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(strength === 'weak' ? /^\{"Fn::GetStackOutput":\{"StackName":"Producer",.*\}\}\/x\/\*$/ : /^Producer:ExportsOutputFnGetAttBucket.*Arn[0-9A-F]{8}\/x\/\*$/);
    });
  }

  test('isCrossStackImport: only a whole ImportValue or GetStackOutput', () => {
    expect(isCrossStackImport({ 'Fn::ImportValue': 'x' })).toBe(true);
    expect(isCrossStackImport({ 'Fn::GetStackOutput': { StackName: 'A', OutputName: 'O' } })).toBe(true);
    expect(isCrossStackImport({ 'Fn::GetAtt': ['Key', 'Arn'] })).toBe(false);
    expect(isCrossStackImport({ 'Fn::Join': ['', [{ 'Fn::ImportValue': 'x' }]] })).toBe(false);
    expect(isCrossStackImport('arn:aws:kms:us-east-1:111111111111:key/abc')).toBe(false);
    expect(isCrossStackImport(undefined)).toBe(false);
  });

  test('referencedAttribute: the resource and attribute of a single reference, nothing else', () => {
    const stack = new Stack();
    const key = new kms.Key(stack, 'Key');
    const bucket = new s3.Bucket(stack, 'Bucket');
    expect(referencedAttribute(key.keyArn)).toEqual({ target: key.node.defaultChild, attribute: 'Arn' });
    expect(referencedAttribute(bucket.bucketName)).toEqual({ target: bucket.node.defaultChild, attribute: 'Ref' });
    expect(referencedAttribute(`${key.keyArn}/x`)).toBeUndefined();
    expect(referencedAttribute(kms.Key.fromKeyArn(stack, 'Imported', Fn.importValue('KeyArn')).keyArn)).toBeUndefined();
    expect(referencedAttribute('arn:aws:kms:us-east-1:111111111111:key/abc')).toBeUndefined();
  });
});
