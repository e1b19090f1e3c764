import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** The resource types of a CloudFormation template (lower case). */
export function resourceTypes(template: any): Set<string> {
  const types = new Set<string>();
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    if (typeof resource?.Type === 'string') types.add(resource.Type.toLowerCase());
  }
  return types;
}

/** What one rule run reads: a template, whole or cut down to the resources of some types. */
export interface GuardView {
  /** The template file. */
  readonly template: string;
  /** The resource types (lower case) the view keeps, sorted; the whole template when absent. */
  readonly types?: string[];
}

/**
 * Which rules to run against which views of which templates. A rule is run against a template when the
 * template holds a resource of any type the rule names, and it reads a view of the template in which only
 * the resources of those types keep their properties: the only resources it can select. A rule that names no type at all reads the
 * whole template. Rules that read the same views share one guard run. Rules that apply nowhere are not
 * run: they would only report SKIP.
 */
export function planGuardRuns(rules: readonly GuardRule[], templates: ReadonlyMap<string, ReadonlySet<string>>): { rules: string[]; views: GuardView[] }[] {
  const runs = new Map<string, { rules: string[]; views: GuardView[] }>();
  for (const [template, present] of templates) {
    const byView = new Map<string, string[]>();
    for (const rule of rules) {
      const seen = rule.types.size === 0 ? ['*'] : [...rule.types].filter((type) => present.has(type));
      if (seen.length === 0) continue;
      const key = seen.sort().join(' ');
      byView.set(key, [...(byView.get(key) ?? []), rule.path]);
    }
    for (const [key, selected] of byView) {
      const runKey = selected.join('\n');
      const run = runs.get(runKey) ?? { rules: selected, views: [] };
      run.views.push(key === '*' ? { template } : { template, types: key.split(' ') });
      runs.set(runKey, run);
    }
  }
  return [...runs.values()];
}

/**
 * The AWS Control Tower proactive controls, run by `@cdklabs/cdk-validator-cfnguard`'s cfn-guard binary,
 * with each rule run only against the resources it can select.
 *
 * cfn-guard evaluates every rule file against every resource of every template it is given, and the cost
 * grows with both (about 0.05 s of CPU per rule and 140-resource template); most of the 237 rules govern
 * services a template does not use and can only report SKIP. A rule selects resources by the types it
 * names (the ones it reports on and the ones it looks up, such as a log group's key), so each rule is run
 * against a copy of the template that keeps every section but only the resources of those types, under
 * the same logical ids (the others reduced to their type, which is all a rule's look-up of a reference reads):
 * what a rule sees, and so what it reports, is unchanged, at a fraction of the work.
 * A rule that names no type sees the whole template. Rules that see the same copies share one guard run.
 * The findings are those of the unfiltered validator, which `test/core/control-tower.test.ts` proves on
 * the platform, on a template that trips every rule folder and on references to resources of other types.
 * The copies live in a temporary folder for the run only; nothing is cached between runs. The plugin keeps
 * the validator's name, so acknowledgements (`cdk-validator-cfnguard::<rule>`) are unchanged.
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
    const workDir = mkdtempSync(join(tmpdir(), 'genai-guard-'));
    try {
      const templates = new Map(context.templatePaths.map((p) => [p, JSON.parse(readFileSync(p, 'utf8'))] as const));
      const files = new Map<string, string>(); // view file -> the template it was cut from
      const fileOf = (view: GuardView): string => {
        if (!view.types) return view.template;
        const template = templates.get(view.template);
        const types = new Set(view.types);
        // resources of other types stay as their type alone, so a rule's look-up of a reference (its logical
        // id, then its type) finds what it finds in the whole template
        const resources = Object.entries<any>(template.Resources ?? {}).map(([id, r]) => [id, types.has(String(r?.Type ?? '').toLowerCase()) ? r : { Type: r?.Type }]);
        const file = join(workDir, `${files.size}.json`);
        writeFileSync(file, JSON.stringify({ ...template, Resources: Object.fromEntries(resources) }));
        files.set(file, view.template);
        return file;
      };
      const present = new Map([...templates].map(([p, t]) => [p, resourceTypes(t)] as const));
      const violations: PolicyViolationBeta1[] = [];
      let success = true;
      for (const run of planGuardRuns(this.rules, present)) {
        const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: run.rules, maxBuffer: this.options.maxBuffer });
        const report = validator.validate({ ...context, templatePaths: run.views.map(fileOf) });
        success &&= report.success;
        for (const violation of report.violations) {
          // findings name the template the user has, not the view
          const violatingResources = violation.violatingResources.map((r) => ({ ...r, templatePath: files.get(r.templatePath) ?? r.templatePath }));
          violations.push({ ...violation, violatingResources });
        }
      }
      return { success, violations };
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}
