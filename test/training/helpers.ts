import { Template } from 'aws-cdk-lib/assertions';

/** Replaces CloudFormation intrinsics with readable placeholders: `${Logical.Arn}`, `${AWS::Region}`. */
export function flattenIntrinsics(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, any>;
  if (o && o.Ref !== undefined) return `\${${o.Ref}}`;
  if (o && Array.isArray(o['Fn::GetAtt'])) return `\${${o['Fn::GetAtt'].join('.')}}`;
  if (o && Array.isArray(o['Fn::Join'])) return (o['Fn::Join'][1] as unknown[]).map(flattenIntrinsics).join(o['Fn::Join'][0]);
  if (o && typeof o === 'object' && Object.keys(o).length === 1) return `\${${Object.keys(o)[0]}}`;
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

/** The pipeline definition of the (only) AWS::SageMaker::Pipeline of the template, parsed. */
export function pipelineDefinition(template: Template): any {
  const pipelines = template.findResources('AWS::SageMaker::Pipeline');
  const ids = Object.keys(pipelines);
  if (ids.length !== 1) throw new Error(`expected one pipeline, found ${ids.length}`);
  const body = pipelines[ids[0]].Properties.PipelineDefinition.PipelineDefinitionBody;
  return JSON.parse(flattenIntrinsics(body));
}

/** A step of the definition by name, including the steps nested in a condition. */
export function step(definition: any, name: string): any {
  const all: any[] = [];
  const visit = (steps: any[]) =>
    steps.forEach((s) => {
      all.push(s);
      if (s.Type === 'Condition') {
        visit(s.Arguments.IfSteps ?? []);
        visit(s.Arguments.ElseSteps ?? []);
      }
    });
  visit(definition.Steps);
  const found = all.find((s) => s.Name === name);
  if (!found) throw new Error(`no step ${name}`);
  return found;
}

/** A readable statement: actions and resources as arrays, intrinsics flattened. */
export interface FlatStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}

/** The statements of the policies attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): FlatStatement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const result: FlatStatement[] = [];
  for (const p of Object.values(policies)) {
    const roles = (p.Properties.Roles as any[]).map((r) => r.Ref as string);
    if (!roles.some((r) => r.startsWith(rolePrefix))) continue;
    for (const s of p.Properties.PolicyDocument.Statement) {
      const flat: FlatStatement = {
        ...(s.Sid ? { Sid: s.Sid } : {}),
        Effect: s.Effect,
        Action: [].concat(s.Action),
        Resource: ([] as unknown[]).concat(s.Resource).map(flattenIntrinsics),
      };
      if (s.Condition) flat.Condition = JSON.parse(JSON.stringify(s.Condition, (_k, v) => (v && typeof v === 'object' && (v.Ref || v['Fn::GetAtt'] || v['Fn::Join']) ? flattenIntrinsics(v) : v)));
      result.push(flat);
    }
  }
  return result;
}
