import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { defineRule } from '../rule';
import { managedPolicyNames, resourcesOf, roleOfArn, roleStatements } from '../private/iam';
import { pipelineDefinition, pipelineJobs } from '../private/sagemaker-jobs';
import { renderedProperties } from '../private/template';

/** Managed policies no pipeline role may carry. */
const ADMIN_MANAGED_POLICY = /^(AdministratorAccess|PowerUserAccess|.*FullAccess.*)$/;

/** GenAI-SageMakerPipelineRoleNotAdmin: pipelines run with a least-privilege role. */
export const SageMakerPipelineRoleNotAdmin = defineRule({
  name: 'SageMakerPipelineRoleNotAdmin',
  level: NagMessageLevel.ERROR,
  resourceTypes: ['AWS::SageMaker::Pipeline'],
  info: 'The SageMaker pipeline (or one of its steps) runs with an administrator or *FullAccess role.',
  explanation: 'Every job of the pipeline runs your training code with this role; AdministratorAccess, AmazonSageMakerFullAccess or an Allow of iam:* / sagemaker:* on "*" lets that code reach every model, endpoint and dataset of the account.',
  fix: 'Give the pipeline its own role with statements scoped to its jobs, buckets, key and model package group (TrainingPipeline does this); remove AdministratorAccess, PowerUserAccess and every *FullAccess managed policy.',
  check(node) {
    if (node.cfnResourceType !== 'AWS::SageMaker::Pipeline') return NagRuleCompliance.NOT_APPLICABLE;
    const properties = renderedProperties(node);
    const arns: unknown[] = [properties.RoleArn];
    const definition = pipelineDefinition(properties);
    if (definition) {
      for (const job of pipelineJobs(definition)) {
        // A step's role given as "${Role.Arn}" (a placeholder of the parsed definition).
        const m = typeof job.roleArn === 'string' ? /^\$\{([^.}]+)\.Arn\}$/.exec(job.roleArn) : null;
        if (m) arns.push({ 'Fn::GetAtt': [m[1], 'Arn'] });
      }
    }
    let checked = false;
    for (const arn of arns) {
      const role = roleOfArn(node, arn);
      if (!role) continue;
      checked = true;
      if (managedPolicyNames(role.node).some((name) => ADMIN_MANAGED_POLICY.test(name))) return NagRuleCompliance.NON_COMPLIANT;
      const admin = roleStatements(node, role.logicalId).some(
        ({ statement }) => statement.Effect === 'Allow' && grantsWholeService(statement) && (statement.NotResource !== undefined || resourcesOf(statement).includes('*')),
      );
      if (admin) return NagRuleCompliance.NON_COMPLIANT;
    }
    return checked ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NOT_APPLICABLE;
  },
});

/** True when a statement grants `*`, `iam:*` or `sagemaker:*` (or everything but a few actions). */
function grantsWholeService(statement: any): boolean {
  if (statement.NotAction !== undefined) return true;
  const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).map((a: unknown) => String(a).toLowerCase());
  return actions.some((a: string) => a === '*' || a === 'iam:*' || a === 'sagemaker:*');
}
