import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GenAIValidationError } from '../core/errors';
import { IInferenceComponent } from '../inference/inference-component-ref';
import { IInferenceEndpoint } from '../inference/inference-endpoint-ref';
import { BEDROCK_INVOKE_ACTIONS } from './private/actions';

/** Bedrock foundation-model ids: `provider.model-name[:version[:variant]]`. */
const MODEL_ID = /^[a-z0-9-]{2,32}\.[a-zA-Z0-9._-]{1,100}(:[a-z0-9-]{1,16}){0,2}$/;
/** Cross-region inference profile prefixes, which this library does not grant (they span other regions). */
const PROFILE_PREFIX = /^(us|eu|apac|us-gov|global|jp|au|ca)\./;

/** What the model target gives the function: environment and permissions. */
export interface ModelTargetConfig {
  /** `bedrock` or `sagemaker`. */
  readonly kind: string;
  /** Environment variables of the function. */
  readonly environment: { [key: string]: string };
  /** The model or endpoint ARN the function may invoke. */
  readonly resourceArn: string;
  /** True when the target is a Bedrock model (invocation logging applies). */
  readonly isBedrock: boolean;
}

/** Options of {@link ModelTarget.sagemakerEndpoint}. */
export interface SageMakerEndpointTargetOptions {
  /**
   * A Bedrock foundation model that answers while the endpoint does not exist yet (for example before the
   * first model version is approved and the promotion function creates the endpoint), and, for an inference
   * component, while the component does not exist or has no copy (scaled to zero: the first copy starts in
   * several minutes). The trace records which model answered.
   * @default - no fallback: requests fail with 502 while the endpoint is missing
   */
  readonly fallbackBedrockModelId?: string;
}

/**
 * The model behind a {@link GuardrailFunction}: a SageMaker endpoint (e.g. an `InferenceEndpoint`) or a
 * Bedrock foundation model. The function may invoke exactly this model, nothing else.
 */
export class ModelTarget {
  /**
   * A SageMaker real-time endpoint that takes `{ inputs, parameters: { max_new_tokens } }` (TGI and LMI containers).
   *
   * @param endpoint the endpoint, e.g. an `InferenceEndpoint` or one imported with `InferenceEndpoint.fromEndpointAttributes`
   * @param options a Bedrock model that answers while the endpoint does not exist yet
   */
  public static sagemakerEndpoint(endpoint: IInferenceEndpoint, options: SageMakerEndpointTargetOptions = {}): ModelTarget {
    return new ModelTarget(options.fallbackBedrockModelId, endpoint);
  }

  /**
   * An inference component of a SageMaker endpoint (e.g. one added with `InferenceComponentEndpoint.addComponent`),
   * invoked by endpoint and component name with a `{ inputs, parameters: { max_new_tokens } }` body. With
   * `fallbackBedrockModelId`, the Bedrock model answers while the component is missing or scaled to zero.
   *
   * @param component the component, e.g. `endpoint.addComponent(...)` or one imported with `InferenceComponent.fromInferenceComponentAttributes`
   * @param options a Bedrock model that answers while the component has no copy
   */
  public static inferenceComponent(component: IInferenceComponent, options: SageMakerEndpointTargetOptions = {}): ModelTarget {
    return new ModelTarget(options.fallbackBedrockModelId, component.endpoint, component);
  }

  /**
   * A Bedrock foundation model in the stack's region, called with the Converse API, e.g.
   * `amazon.nova-lite-v1:0` or `anthropic.claude-3-haiku-20240307-v1:0`. Model access must be enabled in
   * the Bedrock console. Cross-region inference profiles (`us.`, `eu.` ...) are not accepted: they send
   * prompts to other regions.
   *
   * @param modelId the foundation-model id, e.g. `amazon.nova-lite-v1:0`
   */
  public static bedrock(modelId: string): ModelTarget {
    return new ModelTarget(modelId, undefined);
  }

  private constructor(
    /** The Bedrock model id: the target of a Bedrock target, the fallback of a SageMaker target. */
    public readonly modelId?: string,
    /** The endpoint, for SageMaker targets. */
    public readonly endpoint?: IInferenceEndpoint,
    /** The inference component, for targets that invoke one component of the endpoint. */
    public readonly component?: IInferenceComponent,
  ) {}

  /** Validates the target, grants `grantee` invoke on it and returns the function's configuration. @internal */
  public _bind(scope: Construct, grantee: iam.IGrantable): ModelTargetConfig {
    if (this.endpoint) {
      const environment: { [key: string]: string } = { MODEL_KIND: 'sagemaker', ENDPOINT_NAME: this.endpoint.endpointName };
      if (this.component) {
        // Exactly the endpoint and this component.
        this.component.grantInvoke(grantee);
        environment.INFERENCE_COMPONENT_NAME = this.component.inferenceComponentName;
      } else {
        this.endpoint.grantInvoke(grantee);
      }
      if (this.modelId !== undefined) {
        grantFoundationModel(scope, grantee, this.modelId, 'modelTarget.fallbackBedrockModelId');
        environment.FALLBACK_MODEL_ID = this.modelId;
      }
      return { kind: 'sagemaker', environment, resourceArn: this.endpoint.endpointArn, isBedrock: this.modelId !== undefined };
    }
    const modelId = this.modelId!;
    const resourceArn = grantFoundationModel(scope, grantee, modelId, 'modelTarget');
    return { kind: 'bedrock', environment: { MODEL_KIND: 'bedrock', MODEL_ID: modelId }, resourceArn, isBedrock: true };
  }
}

/** Validates a foundation-model id, grants invoke on exactly that model and returns its ARN. */
function grantFoundationModel(scope: Construct, grantee: iam.IGrantable, modelId: string, property: string): string {
  if (!Token.isUnresolved(modelId)) {
    if (PROFILE_PREFIX.test(modelId)) {
      throw new GenAIValidationError(scope, property, modelId, 'a foundation-model id served in this region (cross-region inference profiles send prompts to other regions)');
    }
    if (!MODEL_ID.test(modelId)) {
      throw new GenAIValidationError(scope, property, modelId, 'a Bedrock foundation-model id such as amazon.nova-lite-v1:0');
    }
  }
  // Foundation models are AWS resources: their ARNs have a region but no account.
  const resourceArn = Stack.of(scope).formatArn({
    service: 'bedrock',
    account: '',
    resource: 'foundation-model',
    resourceName: modelId,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  iam.Grant.addToPrincipal({ grantee, actions: [...BEDROCK_INVOKE_ACTIONS], resourceArns: [resourceArn] });
  return resourceArn;
}
