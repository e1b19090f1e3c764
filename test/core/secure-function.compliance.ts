import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { createKey } from '../../lib/core/encryption';
import { SecureFunction } from '../../lib/core/secure-function';
import { sharedMatrix } from '../helpers/compliance';

// The function every Lambda of the library is built on, with its defaults, checked in one app and one synth
// with every other area's configurations (test/compliance/all.test.ts).
const matrix = sharedMatrix().section('Core');

matrix.add('SecureFunction', (scope: Construct) => {
  const stack = new Stack(scope, 'SecureFunction');
  const key = createKey(stack, 'Key', 'test');
  new SecureFunction(stack, 'Fn', {
    handlerName: 'none',
    description: 'test function',
    encryptionKey: key,
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
});

test('SecureFunction: zero compliance findings', () => {
  expect(matrix.findings('SecureFunction')).toEqual([]);
});
