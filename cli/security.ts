/** Everything genai-diff counts as broadening security between a baseline template and the current one. */
import { accessBroadenings } from './access';
import { Broadening, KIND_LABELS } from './findings';
import { securityGroupBroadenings } from './network';
import { attachmentBroadenings, policyBroadenings } from './policies';
import { CfnTemplate } from './template';

const KIND_ORDER = Object.keys(KIND_LABELS);

/**
 * The changes from `baseline` to `current` that broaden security, ordered by kind and logical id: IAM
 * statements, managed policy attachments, permissions boundaries, trust and resource policies, Lambda
 * permissions, security group rules, API and function URL authorization, and S3 public access.
 * Compare one stack's templates at a time; pass `EMPTY_TEMPLATE` as the baseline of a new stack.
 */
export function findBroadenings(baseline: CfnTemplate, current: CfnTemplate): Broadening[] {
  const all = [
    ...policyBroadenings(baseline, current),
    ...attachmentBroadenings(baseline, current),
    ...securityGroupBroadenings(baseline, current),
    ...accessBroadenings(baseline, current),
  ];
  return all.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind)
    || (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0)
    || (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
}
