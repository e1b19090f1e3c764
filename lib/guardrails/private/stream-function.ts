import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { GenAIValidationError, validateRange } from '../../core/errors';
import { SecureFunction } from '../../core/secure-function';
import { GuardrailStreamingOptions } from '../guardrail-streaming';
import { ModelTarget } from '../model-target';

/** What the streaming entry point shares with the guardrail function. */
export interface StreamFunctionContext {
  /** The buffered function: its configuration (environment variables) is the stream's. */
  readonly buffered: lambda.Function;
  readonly role: iam.Role;
  readonly modelTarget: ModelTarget;
  readonly encryptionKey: kms.IKey;
  readonly guardrailTimeout: Duration;
  readonly memorySize: number;
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * The streaming entry point of a guardrail function (`streamHandler` of the same bundle, the same role),
 * validated. Every environment variable added to the buffered function from now on is added to it too, so
 * the two entry points cannot drift apart (a variable added later, for a new feature, reaches both).
 */
export function createStreamFunction(scope: Construct, options: GuardrailStreamingOptions, shared: StreamFunctionContext): lambda.Function {
  const timeout = options.timeout ?? Duration.minutes(5);
  if (!timeout.isUnresolved()) {
    const ms = timeout.toMilliseconds();
    if (ms < 30_000 || ms > 900_000) {
      throw new GenAIValidationError(scope, 'streaming.timeout', timeout.toHumanString(), 'from 30 seconds to 15 minutes (API Gateway ends a streamed response after 15 minutes)');
    }
    if (!shared.guardrailTimeout.isUnresolved() && ms < 2 * shared.guardrailTimeout.toMilliseconds() + 10_000) {
      throw new GenAIValidationError(
        scope,
        'streaming.timeout',
        timeout.toHumanString(),
        `at least 2 x guardrailTimeout (${shared.guardrailTimeout.toHumanString()}) + 10 seconds: the guardrail must still judge the last window and the trace be written after the model stops`,
      );
    }
  }
  const windowChars = options.guardrailWindowChars ?? 1000;
  validateRange(scope, 'streaming.guardrailWindowChars', windowChars, 100, 10_000, { integer: true });
  validateRange(scope, 'streaming.reservedConcurrentExecutions', options.reservedConcurrentExecutions, 1, 1000, { integer: true });
  validateRange(scope, 'streaming.memorySize', options.memorySize, 128, 10240, { integer: true });

  const fn = new SecureFunction(scope, 'Stream', {
    handlerName: 'guardrail',
    entryPoint: 'streamHandler',
    role: shared.role,
    description: `Guardrail in front of the model, streamed: local checks per chunk, Bedrock guardrail per window, trace (${scope.node.path})`.slice(0, 256),
    encryptionKey: shared.encryptionKey,
    timeout,
    memorySize: options.memorySize ?? shared.memorySize,
    reservedConcurrentExecutions: options.reservedConcurrentExecutions ?? 10,
    logRetention: shared.logRetention,
    removalPolicy: shared.removalPolicy,
    vpc: shared.vpc,
    vpcSubnets: shared.vpcSubnets,
  });
  shared.modelTarget._bindStreaming(scope, shared.role);
  const stream = fn.function;
  stream.addEnvironment('STREAM_WINDOW_CHARS', String(windowChars));
  // The model may stream for as long as the function runs; the time budget keeps what the end needs.
  if (!timeout.isUnresolved()) stream.addEnvironment('STREAM_MODEL_TIMEOUT_MS', String(timeout.toMilliseconds()));
  const buffered = shared.buffered;
  const addToBuffered = buffered.addEnvironment.bind(buffered);
  buffered.addEnvironment = (key: string, value: string, envOptions?: lambda.EnvironmentOptions) => {
    stream.addEnvironment(key, value, envOptions);
    return addToBuffered(key, value, envOptions);
  };
  return stream;
}
