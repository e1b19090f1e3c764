import { IConstruct } from 'constructs';
import { GenAIValidationError } from '../../core/errors';
import { ownAccountRepositories } from '../../core/private/ecr-image';
import { TrainingImage } from '../../training/training-pipeline';
import { ModelSource, ModelSourceConfig } from '../model-source';

/** The ECR repositories a model's role may pull from. */
export interface ModelRepositories {
  readonly arns: string[];
  /** Set when the list includes every repository of this account in this region (acknowledged by the caller). */
  readonly ownAccountWildcard?: string;
}

/**
 * The repositories a model may pull from: an image model's own repository; for registry versions (a package
 * model, or promotions from a group) the repositories of `modelPackageImages`, else every repository of this
 * account in this region. Never another account's repositories unless an image names them.
 *
 * @param property the prop path of the images in errors (e.g. `modelPackageImages`)
 */
export function modelRepositories(
  scope: IConstruct,
  property: string,
  model: ModelSource | undefined,
  source: ModelSourceConfig | undefined,
  promotes: boolean,
  images: TrainingImage[] | undefined,
): ModelRepositories {
  const arns = [...(source?.repositoryArns ?? [])];
  // An image model whose URI is a token as a whole names no repository the construct can read.
  let ownAccount = source !== undefined && !model?.isModelPackage && source.repositoryArns === undefined;
  const servesPackages = model === undefined || model.isModelPackage || promotes;
  if (images !== undefined && !servesPackages) {
    throw new GenAIValidationError(
      scope,
      property,
      `${images.length} image(s)`,
      'only with ModelSource.fromModelPackage or modelPackageGroupName (an image model names its repository itself)',
    );
  }
  if (servesPackages && images !== undefined) {
    if (images.length === 0) {
      throw new GenAIValidationError(scope, property, '[]', "at least one TrainingImage (leave it unset to allow this account's repositories)");
    }
    images.forEach((image, i) => {
      if (!(image instanceof TrainingImage)) {
        throw new GenAIValidationError(scope, `${property}[${i}]`, String(image), 'TrainingImage.fromImageUri(uri) or TrainingImage.fromEcrRepository(repository, tag)');
      }
      arns.push(image.bind(scope, `${property}[${i}]`).repositoryArn);
    });
  } else if (servesPackages) {
    ownAccount = true;
  }
  if (!ownAccount) return { arns: [...new Set(arns)] };
  const ownAccountWildcard = ownAccountRepositories(scope);
  return { arns: [...new Set([...arns, ownAccountWildcard])], ownAccountWildcard };
}
