import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Image URIs of ECR: `<account>.dkr.ecr.<region>.<url suffix>/<repository>:<tag>` (or `@sha256:<digest>`).
 * The registry account, region and URL suffix may be CDK tokens (`${Token[AWS.Region.12]}`), e.g.
 * `` `<dlc-account>.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}/pytorch-training:<tag>` ``; the repository and
 * tag must be literals so that a pull permission can name the repository.
 */
const TOKEN = '\\$\\{Token\\[[A-Za-z0-9._-]+\\]\\}';
const ECR_IMAGE_URI = new RegExp(
  `^(\\d{12}|${TOKEN})\\.dkr\\.ecr\\.([a-z]{2}(?:-[a-z]+)+-\\d|${TOKEN})\\.(?:amazonaws\\.com(?:\\.cn)?|${TOKEN})\\/` +
    '([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$',
);

/** What an ECR image URI names: the registry (account and region) and the repository. */
export interface EcrImageReference {
  /** The registry account: yours, or AWS's (e.g. the Deep Learning Containers account of the region). */
  readonly account: string;
  readonly region: string;
  readonly repository: string;
}

/** The registry and repository of an ECR image URI, or undefined when it is not one (or is a token as a whole). */
export function parseEcrImageUri(uri: string): EcrImageReference | undefined {
  const m = typeof uri === 'string' ? ECR_IMAGE_URI.exec(uri) : null;
  return m ? { account: m[1], region: m[2], repository: m[3] } : undefined;
}

/**
 * The ARN of the repository an image is pulled from, in the image's own registry account and region (never a
 * literal account of ours: the account comes from the URI the user passed).
 */
export function ecrRepositoryArn(scope: IConstruct, image: EcrImageReference): string {
  return Stack.of(scope).formatArn({ service: 'ecr', account: image.account, region: image.region, resource: 'repository', resourceName: image.repository });
}

/** Every repository of the stack's own account in its region (the documented fallback for images known only at run time). */
export function ownAccountRepositories(scope: IConstruct): string {
  return Stack.of(scope).formatArn({ service: 'ecr', resource: 'repository', resourceName: '*' });
}
