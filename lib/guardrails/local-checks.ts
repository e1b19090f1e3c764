/** What the guardrail function's local checks do with a finding of a type. */
export enum LocalCheckAction {
  /** Refuse the request (or withhold the answer); the text is also redacted in the trace summary. */
  BLOCK = 'BLOCK',
  /** Replace the finding with `[TYPE]` before the text goes on (to the Bedrock guardrail, the model, the caller). */
  REDACT = 'REDACT',
  /** Neither report nor change it (the type is not sensitive for this deployment). */
  ALLOW = 'ALLOW',
}

/** The types of finding the guardrail function's local checks report. */
export enum LocalCheckType {
  /** E-mail addresses, also written `name [at] host [dot] com`. Default: REDACT. */
  EMAIL = 'EMAIL',
  /** Phone numbers of every region (libphonenumber), international or national. Default: REDACT. */
  PHONE = 'PHONE',
  /** US social security numbers in issued ranges. Default: REDACT. */
  US_SSN = 'US_SSN',
  /** Luhn-valid payment card numbers with a scheme's prefix and length. Default: REDACT. */
  CREDIT_CARD = 'CREDIT_CARD',
  /** IBANs with the country's length and valid check digits. Default: REDACT. */
  IBAN = 'IBAN',
  /** IPv4 (not version strings or section numbers) and IPv6 addresses. Default: REDACT. */
  IP_ADDRESS = 'IP_ADDRESS',
  /** AWS access key ids. Default: BLOCK. */
  AWS_ACCESS_KEY = 'AWS_ACCESS_KEY',
  /** AWS secret access keys. Default: BLOCK. */
  AWS_SECRET_KEY = 'AWS_SECRET_KEY',
  /** PEM private keys and PuTTY key files. Default: BLOCK. */
  PRIVATE_KEY = 'PRIVATE_KEY',
  /** GitHub tokens. Default: BLOCK. */
  GITHUB_TOKEN = 'GITHUB_TOKEN',
  /** Slack tokens and webhooks. Default: BLOCK. */
  SLACK_TOKEN = 'SLACK_TOKEN',
  /** Stripe secret and webhook keys. Default: BLOCK. */
  STRIPE_KEY = 'STRIPE_KEY',
  /** Google API keys, OAuth client secrets, service-account keys. Default: BLOCK. */
  GCP_CREDENTIAL = 'GCP_CREDENTIAL',
  /** Azure storage keys and SAS signatures. Default: BLOCK. */
  AZURE_KEY = 'AZURE_KEY',
  /** JSON web tokens. Default: BLOCK. */
  JWT = 'JWT',
  /** Passwords in URLs (basic auth, database connection strings). Default: BLOCK. */
  URL_CREDENTIALS = 'URL_CREDENTIALS',
  /** Other API tokens (OpenAI, Anthropic, npm, SendGrid, labelled API keys ...). Default: BLOCK. */
  API_TOKEN = 'API_TOKEN',
  /** Prompt-injection phrases, fake system turns, encoded instructions. Default: BLOCK. */
  PROMPT_INJECTION = 'PROMPT_INJECTION',
  /** The deployment's denied words (`deniedWords`). Default: BLOCK. */
  DENIED_WORD = 'DENIED_WORD',
}

/** The action for one type of finding. */
export interface LocalCheckTypeAction {
  /** The type of finding. */
  readonly findingType: LocalCheckType;
  /** What happens to findings of this type. */
  readonly action: LocalCheckAction;
}

/** A pattern of the deployment's own, checked locally by the guardrail function. */
export interface CustomPattern {
  /**
   * The finding type it reports: upper-case letters, digits and `_`, starting with a letter, at most 32
   * characters, not a built-in type. Appears in traces and refusals as `LOCAL:<name>`.
   */
  readonly name: string;
  /**
   * A regular expression in RE2 syntax that runs in linear time on any input, by construction: no lookaround
   * or backreferences (nothing RE2 rejects), every repetition bounded (`{1,64}` rather than `+`, `{0,64}`
   * rather than `*`, no `{n,}`), at most 256 characters matched, and at most 512 steps per match attempt
   * (a repetition may not be followed by, nor an alternative share its first character with, something that
   * can match the same characters, unless the choices are few). The function runs it with JavaScript's
   * RegExp (flags `g` and `u`, plus `i` when `caseInsensitive`; RE2-only syntax such as `(?i)`, `\pL`,
   * `[[:alpha:]]` or `\x{41}` is translated). A pattern that breaks these rules fails synth. At most 1000
   * characters of source.
   */
  readonly pattern: string;
  /**
   * What happens to a match.
   * @default LocalCheckAction.REDACT
   */
  readonly action?: LocalCheckAction;
  /**
   * Match regardless of case.
   * @default false
   */
  readonly caseInsensitive?: boolean;
}
