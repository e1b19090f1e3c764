import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolationBeta1 } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** A guard rule file and the CloudFormation resource types it names (lower case). */
interface GuardRule {
  readonly path: string;
  readonly types: ReadonlySet<string>;
}

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/** The folder of Control Tower rules shipped inside `@cdklabs/cdk-validator-cfnguard`. */
export function controlTowerRulesDir(): string {
  return join(dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower', 'cfn-guard');
}

/**
 * Every rule file under `dir` with the resource types it names anywhere in its text: the types it reports
 * on (its header) and every type its clauses select or look up (a log group's key, a function's subnets).
 */
export function readGuardRules(dir: string): GuardRule[] {
  const rules: GuardRule[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const child of readdirSync(path).sort()) walk(join(path, child));
    } else if (path.endsWith('.guard')) {
      const text = readFileSync(path, 'utf8');
      rules.push({ path, types: new Set((text.match(RESOURCE_TYPE) ?? []).map((t) => t.toLowerCase())) });
    }
  };
  walk(dir);
  return rules;
}

/** The resource types of a CloudFormation template file (lower case). */
export function templateResourceTypes(templatePath: string): Set<string> {
  const template = JSON.parse(readFileSync(templatePath, 'utf8'));
  const types = new Set<string>();
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    if (typeof resource?.Type === 'string') types.add(resource.Type.toLowerCase());
  }
  return types;
}

/**
 * Which rules to run against which templates. A rule is run against a template when the template holds a
 * resource of any type the rule names; a rule that names no type at all is run against every template.
 * Templates that need the same rules share one guard run. Rules that apply nowhere are not run: they
 * would only report SKIP.
 */
export function planGuardRuns(rules: readonly GuardRule[], templates: ReadonlyMap<string, ReadonlySet<string>>): { rules: string[]; templates: string[] }[] {
  const byRuleSet = new Map<string, { rules: string[]; templates: string[] }>();
  for (const [template, types] of templates) {
    const selected = rules.filter((r) => r.types.size === 0 || [...r.types].some((t) => types.has(t))).map((r) => r.path);
    if (selected.length === 0) continue;
    const key = selected.join('\n');
    const run = byRuleSet.get(key) ?? { rules: selected, templates: [] };
    run.templates.push(template);
    byRuleSet.set(key, run);
  }
  return [...byRuleSet.values()];
}

/**
 * The AWS Control Tower proactive controls, run by `@cdklabs/cdk-validator-cfnguard`'s cfn-guard binary,
 * with each rule run only against the templates that hold the resource types it governs.
 *
 * cfn-guard evaluates every rule file against every template it is given, and the cost grows with both
 * (about 0.05 s of CPU per rule and 140-resource template); most of the 237 rules govern services a
 * template does not use and can only report SKIP. The findings are those of the unfiltered validator,
 * which `test/core/control-tower.test.ts` proves on the platform and on a template that trips every rule
 * folder. Nothing is cached between runs. The plugin keeps the validator's name, so acknowledgements
 * (`cdk-validator-cfnguard::<rule>`) are unchanged.
 */
export class ControlTowerValidator implements IPolicyValidationPluginBeta1 {
  public readonly name = 'cdk-validator-cfnguard';
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly rules: GuardRule[];

  constructor(private readonly options: { readonly maxBuffer?: number; readonly rulesDir?: string } = {}) {
    this.rules = readGuardRules(options.rulesDir ?? controlTowerRulesDir());
    const reference = new CfnGuardValidator({ controlTowerRulesEnabled: options.rulesDir === undefined });
    this.version = reference.version;
    this.ruleIds = reference.ruleIds;
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const templates = new Map(context.templatePaths.map((p) => [p, templateResourceTypes(p)] as const));
    const violations: PolicyViolationBeta1[] = [];
    let success = true;
    for (const run of planGuardRuns(this.rules, templates)) {
      const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: run.rules, maxBuffer: this.options.maxBuffer });
      const report = validator.validate({ ...context, templatePaths: run.templates });
      success &&= report.success;
      violations.push(...report.violations);
    }
    return { success, violations };
  }
}
