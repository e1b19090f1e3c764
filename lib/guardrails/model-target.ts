import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { IInferenceComponent } from '../inference/inference-component-ref';
import { IInferenceEndpoint } from '../inference/inference-endpoint-ref';
import { BEDROCK_STREAM_ACTIONS } from './private/actions';
import { grantFoundationModel } from './private/foundation-model';

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

  /**
   * Also grants `grantee` the streamed call on the target (a streaming entry point): ConverseStream on the
   * Bedrock model or the fallback model. (An endpoint's `grantInvoke` already covers
   * InvokeEndpointWithResponseStream.) @internal
   */
  public _bindStreaming(scope: Construct, grantee: iam.IGrantable): void {
    const modelId = this.modelId;
    if (modelId === undefined) return;
    grantFoundationModel(scope, grantee, modelId, this.endpoint ? 'modelTarget.fallbackBedrockModelId' : 'modelTarget', BEDROCK_STREAM_ACTIONS);
  }
}
