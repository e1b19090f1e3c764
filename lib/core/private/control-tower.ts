import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolationBeta1 } from 'aws-cdk-lib';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** A guard rule file and the CloudFormation resource types it names (lower case). */
interface GuardRule {
  readonly path: string;
  readonly types: ReadonlySet<string>;
  /** Whether the rule's text names a template section other than `Resources` (then its views keep them all). */
  readonly readsSections?: boolean;
}

const RESOURCE_TYPE = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

/**
 * Template sections the Control Tower rules do not read: they select resources in `Resources` and test
 * whether `AWSTemplateFormatVersion` or `Resources` exists. A rule whose text names one of these words
 * anywhere outside a comment (a Redshift rule checks a parameter group's `Parameters`, for instance) is
 * treated as reading them all.
 */
const UNREAD_SECTIONS = ['Description', 'Metadata', 'Parameters', 'Mappings', 'Conditions', 'Outputs', 'Rules'];
const NAMES_A_SECTION = new RegExp(`\\b(${UNREAD_SECTIONS.join('|')})\\b`);

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
      const code = text.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
      rules.push({ path, types: new Set((text.match(RESOURCE_TYPE) ?? []).map((t) => t.toLowerCase())), readsSections: NAMES_A_SECTION.test(code) });
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
  /** Whether a cut-down view keeps every template section (see `UNREAD_SECTIONS`). */
  readonly sections?: boolean;
}

/**
 * The logical ids a rule could look up from these resources: a rule finds a referenced resource by the id
 * written in a `Ref`, a `Fn::GetAtt` (also its `Id.Attribute` string form), a `DependsOn` or a `Fn::Sub`
 * string. Every string value counts, so the set errs on the side of keeping a resource.
 */
export function referencedIds(resources: readonly unknown[]): Set<string> {
  const ids = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      ids.add(value);
      const dot = value.indexOf('.');
      if (dot > 0) ids.add(value.slice(0, dot));
      for (const m of value.matchAll(/\$\{([^}]*)\}/g)) {
        ids.add(m[1]);
        ids.add(m[1].split('.')[0]);
      }
    } else if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };
  resources.forEach(walk);
  return ids;
}

/**
 * The copy of a template one rule run reads (see `ControlTowerValidator`): the resources of `view.types`
 * in full, each resource of another type that they reference reduced to its type (all a rule's look-up of
 * a reference reads: its logical id, then its type), no other resource, and the sections rules read.
 */
export function templateView(template: any, view: GuardView): any {
  const types = new Set(view.types);
  const entries = Object.entries<any>(template.Resources ?? {});
  const selected = entries.filter(([, r]) => types.has(String(r?.Type ?? '').toLowerCase()));
  const referenced = referencedIds(selected.map(([, r]) => r));
  const resources = entries.flatMap(([id, r]) => {
    if (types.has(String(r?.Type ?? '').toLowerCase())) return [[id, r]];
    return referenced.has(id) ? [[id, { Type: r?.Type }]] : [];
  });
  const sections = view.sections ? template : Object.fromEntries(Object.entries(template).filter(([key]) => !UNREAD_SECTIONS.includes(key)));
  return { ...sections, Resources: Object.fromEntries(resources) };
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
    const byView = new Map<string, { view: GuardView; rules: string[] }>();
    for (const rule of rules) {
      const seen = rule.types.size === 0 ? [] : [...rule.types].filter((type) => present.has(type)).sort();
      if (rule.types.size > 0 && seen.length === 0) continue;
      const view: GuardView = seen.length === 0 ? { template } : rule.readsSections ? { template, types: seen, sections: true } : { template, types: seen };
      const key = seen.length === 0 ? '*' : `${seen.join(' ')}${rule.readsSections ? ' +sections' : ''}`;
      const entry = byView.get(key) ?? { view, rules: [] };
      entry.rules.push(rule.path);
      byView.set(key, entry);
    }
    for (const { view, rules: selected } of byView.values()) {
      const runKey = selected.join('\n');
      const run = runs.get(runKey) ?? { rules: selected, views: [] };
      run.views.push(view);
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
 * against a copy of the template (`templateView`) that keeps only the resources of those types, under the
 * same logical ids, plus each resource of another type they reference reduced to its type (all a rule's
 * look-up of a reference reads), and only the sections rules read. cfn-guard copies the whole document into
 * every rule call that takes it as an argument, so a smaller copy is cheaper for every call.
 * What a rule sees, and so what it reports, is unchanged, at a fraction of the work.
 * A rule that names no type sees the whole template. Rules that see the same copies share one guard run.
 * The findings are those of the unfiltered validator, which `test/core/control-tower.test.ts` proves on
 * the platform, on a template that trips every rule folder and on references to resources of other types.
 * Templates whose copies for a rule are identical share one copy in its run, and its findings are reported
 * for each of them. The copies live in a temporary folder for the run only; nothing is cached between runs. The plugin keeps
 * the validator's name, so acknowledgements (`cdk-validator-cfnguard::<rule>`) are unchanged.
 */
export class ControlTowerValidator implements IPolicyValidationPluginBeta1 {
  public readonly name = 'cdk-validator-cfnguard';
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly rules: GuardRule[];

  /**
   * @param options.skip when it returns true at validation, the validator reports nothing: another run
   * checks the same templates (Compliance registers one per stage; an enclosing stage's run also gets the
   * templates of the stages it encloses)
   */
  constructor(private readonly options: { readonly maxBuffer?: number; readonly rulesDir?: string; readonly skip?: () => boolean } = {}) {
    this.rules = readGuardRules(options.rulesDir ?? controlTowerRulesDir());
    const reference = new CfnGuardValidator({ controlTowerRulesEnabled: options.rulesDir === undefined });
    this.version = reference.version;
    this.ruleIds = reference.ruleIds;
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    if (this.options.skip?.()) return { success: true, violations: [] };
    const workDir = mkdtempSync(join(tmpdir(), 'genai-guard-'));
    try {
      const templates = new Map(context.templatePaths.map((p) => [p, JSON.parse(readFileSync(p, 'utf8'))] as const));
      // One file per distinct view: templates that hold the same resources of a rule's types (the same
      // construct in several stacks) give byte-identical views, which guard evaluates once per run; its
      // findings are reported for each of those templates.
      const fileByContent = new Map<string, string>();
      const fileOf = (view: GuardView): string => {
        if (!view.types) return view.template;
        const content = JSON.stringify(templateView(templates.get(view.template), view));
        let file = fileByContent.get(content);
        if (!file) {
          file = join(workDir, `${fileByContent.size}.json`);
          writeFileSync(file, content);
          fileByContent.set(content, file);
        }
        return file;
      };
      const present = new Map([...templates].map(([p, t]) => [p, resourceTypes(t)] as const));
      const violations: PolicyViolationBeta1[] = [];
      let success = true;
      for (const run of planGuardRuns(this.rules, present)) {
        const standsFor = new Map<string, string[]>(); // file guard reads -> the templates it stands for in this run
        for (const view of run.views) {
          const file = fileOf(view);
          standsFor.set(file, [...(standsFor.get(file) ?? []), view.template]);
        }
        const validator = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: run.rules, maxBuffer: this.options.maxBuffer });
        const report = validator.validate({ ...context, templatePaths: [...standsFor.keys()] });
        success &&= report.success;
        for (const violation of report.violations) {
          // findings name the templates the user has, not the views
          const violatingResources = violation.violatingResources.flatMap((r) => (standsFor.get(r.templatePath) ?? [r.templatePath]).map((templatePath) => ({ ...r, templatePath })));
          violations.push({ ...violation, violatingResources });
        }
      }
      return { success, violations };
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }
}
