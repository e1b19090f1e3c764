import { Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { IConstruct } from 'constructs';
import { GenAIValidationError } from '../core/errors';
import { ecrRepositoryArn, parseEcrImageUri } from '../core/private/ecr-image';
import { DataZone } from '../data-lake/data-zone';
import { ISecureDataLake } from '../data-lake/secure-data-lake';

/** Options of a model served from a container image. */
export interface ImageModelOptions {
  /**
   * Key of the model data in the MODEL_ARTIFACTS zone of the lake: a `model.tar.gz` object, or a prefix
   * of uncompressed files when `modelDataCompressed` is false.
   * @default - no model data (the image holds the model or downloads nothing)
   */
  readonly modelDataKey?: string;
  /**
   * Whether `modelDataKey` is a `.tar.gz` archive (true) or a prefix of uncompressed files (false, faster
   * to load for large language models).
   * @default true
   */
  readonly modelDataCompressed?: boolean;
  /**
   * Environment variables of the container (for example `HF_MODEL_ID` and `SM_NUM_GPUS` for the Hugging
   * Face TGI container). Never put secrets here.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
}

/** What a {@link ModelSource} renders for one construct. */
export interface ModelSourceConfig {
  /** The model's primary container. */
  readonly container: sagemaker.CfnModel.ContainerDefinitionProperty;
  /**
   * ARNs of the ECR repositories the image comes from (in the image's own registry account), or
   * `undefined` when it is only known at run time (a model package, or an image URI that is a token as a whole).
   * @default - the repository is not known at synthesis: the endpoint allows its `modelPackageImages`, or
   * else the repositories of its own account in its region
   */
  readonly repositoryArns?: string[];
  /**
   * Key prefix of the model data in MODEL_ARTIFACTS, or `undefined` for the whole zone.
   * @default - no prefix (a model package, no `modelDataKey`, or a compressed `modelDataKey` at the top of the
   * zone or given as a token): the model's role may read the whole MODEL_ARTIFACTS zone
   */
  readonly modelDataPrefix?: string;
}

const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[A-Za-z0-9-]{1,63}\/\d+$/;

/**
 * Where the served model comes from: a version of the model registry, or a container image (your own
 * ECR repository or an AWS Deep Learning Container) plus model data in the lake.
 */
export class ModelSource {
  /**
   * A versioned model package of the SageMaker model registry, deployed as registered (its image and
   * model data). The version names its image only in the registry, so image pulls are allowed from the
   * endpoint's `modelPackageImages` (e.g. an AWS Deep Learning Container), or else from the repositories of
   * your own account in the region; its model data must be in the MODEL_ARTIFACTS zone.
   * @param modelPackageArn `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>`
   */
  public static fromModelPackage(modelPackageArn: string): ModelSource {
    return new ModelSource('package', modelPackageArn);
  }

  /**
   * An image of your own ECR repository. Pulls are allowed from that repository only.
   *
   * @param repository the repository that holds the image
   * @param tag the image tag, e.g. `v1`
   * @param options the model data and container environment
   */
  public static fromEcrImage(repository: ecr.IRepository, tag: string, options: ImageModelOptions = {}): ModelSource {
    return new ModelSource('ecr', repository.repositoryUriForTag(tag), options, repository);
  }

  /**
   * An image by URI, for example an AWS Deep Learning Container
   * (`<account>.dkr.ecr.<region>.amazonaws.com/huggingface-pytorch-tgi-inference:<tag>`). Pulls are
   * allowed from that repository only, in the registry account the URI names. The account, region and URL
   * suffix may be tokens (`Aws.REGION`, `Aws.URL_SUFFIX`); the repository must be a literal (a URI that is a
   * token as a whole may pull from your own account's repositories in the region).
   *
   * @param imageUri `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` (or `@sha256:<digest>`)
   * @param options the model data and container environment
   */
  public static fromImageUri(imageUri: string, options: ImageModelOptions = {}): ModelSource {
    return new ModelSource('uri', imageUri, options);
  }

  private constructor(
    /** `package`, `ecr` or `uri`. */
    private readonly kind: string,
    private readonly reference: string,
    private readonly options: ImageModelOptions = {},
    private readonly repository?: ecr.IRepository,
  ) {}

  /**
   * The model package group of a registry version, when the ARN names it literally (undefined for images
   * and when the group is a token).
   *
   * @internal
   */
  public get _modelPackageGroupName(): string | undefined {
    if (this.kind !== 'package' || typeof this.reference !== 'string') return undefined;
    return /:model-package\/([A-Za-z0-9-]{1,63})\/\d+$/.exec(this.reference)?.[1];
  }

  /** True for a model registry version. */
  public get isModelPackage(): boolean {
    return this.kind === 'package';
  }

  /**
   * Validates the source and renders the container for `scope`.
   *
   * @param scope the construct that serves the model, named in validation errors
   * @param dataLake the lake whose MODEL_ARTIFACTS zone holds the model data
   */
  public bind(scope: IConstruct, dataLake: ISecureDataLake): ModelSourceConfig {
    if (this.kind === 'package') {
      if (!Token.isUnresolved(this.reference) && !MODEL_PACKAGE_ARN.test(this.reference)) {
        throw new GenAIValidationError(scope, 'model', this.reference, 'a versioned model package ARN: arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>');
      }
      return { container: { modelPackageName: this.reference } };
    }

    let repositoryArns: string[] | undefined;
    if (this.repository) {
      repositoryArns = [this.repository.repositoryArn];
    } else {
      const image = parseEcrImageUri(this.reference);
      if (image) {
        repositoryArns = [ecrRepositoryArn(scope, image)];
      } else if (!Token.isUnresolved(this.reference)) {
        throw new GenAIValidationError(scope, 'model', this.reference, 'an ECR image URI: <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> (or @sha256:<digest>)');
      }
    }

    const key = this.options.modelDataKey;
    if (key !== undefined && !Token.isUnresolved(key) && (key === '' || key.startsWith('/') || key.startsWith('s3://'))) {
      throw new GenAIValidationError(scope, 'model modelDataKey', key, 'an object key or prefix inside the MODEL_ARTIFACTS zone, without a leading "/" or "s3://"');
    }
    const compressed = this.options.modelDataCompressed ?? true;
    const bucketName = key !== undefined ? dataLake.bucket(DataZone.MODEL_ARTIFACTS).bucketName : undefined;
    const container: sagemaker.CfnModel.ContainerDefinitionProperty = {
      image: this.reference,
      environment: this.options.environment,
      modelDataUrl: key !== undefined && compressed ? `s3://${bucketName}/${key}` : undefined,
      modelDataSource:
        key !== undefined && !compressed
          ? { s3DataSource: { s3Uri: `s3://${bucketName}/${asPrefix(key)}`, s3DataType: 'S3Prefix', compressionType: 'None' } }
          : undefined,
    };
    return { container, repositoryArns, modelDataPrefix: key === undefined ? undefined : compressed ? parentPrefix(key) : key };
  }
}

function asPrefix(key: string): string {
  return Token.isUnresolved(key) || key.endsWith('/') ? key : `${key}/`;
}

/** The folder of an object key (`models/a/model.tar.gz` → `models/a/`), or undefined at the top level. */
function parentPrefix(key: string): string | undefined {
  if (Token.isUnresolved(key)) return undefined;
  const i = key.lastIndexOf('/');
  return i > 0 ? key.slice(0, i + 1) : undefined;
}
