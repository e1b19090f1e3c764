/**
 * Injection by co-occurring signals, for paraphrases the phrase families do not spell out: within a few words,
 * an action against instructions (override: ignore, scrap, bypass ...; leak: reveal, repeat, print ...), what
 * it acts on (the assistant's instructions, rules, prompt, filters) and a sign that these are the assistant's
 * own (your, the system, hidden, the previous, this conversation ...). All three are needed; a leak needs a
 * prompt-like target. Words are matched by their stems, so `guideline`, `guidelines` and `guidance` all count.
 *
 * Also a squeezed view (the words view without spaces) for attacks split inside words
 * (`ig no re al l pre vi ous in struc tions`), matched against a few canonical attacks only.
 *
 * Linear: one pass over the words; each word looks at a fixed window around it.
 */
import type { Span } from './pii';

// Stems in the words view's spelling (lower case, no diacritics; Cyrillic й is и). English, Spanish, German,
// French, Portuguese, Italian and Russian share the lists: a stem of one language rarely starts a word of
// another that sits next to a target and a marker.
const OVERRIDE_STEMS = [
  'ignor', 'disregard', 'forget', 'forgot', 'scrap', 'discard', 'ditch', 'drop', 'bypass', 'circumvent', 'overrid', 'overrul', 'delet', 'eras',
  'wipe', 'neglect', 'abandon', 'dismiss', 'disobey', 'unlearn', 'evad', 'sidestep', 'cancel', 'revok', 'deactivat', 'disabl', 'suspend', 'lift',
  'olvid', 'descart', 'omit', 'desobedec', 'desestim', 'vergiss', 'vergess', 'missacht', 'verwirf', 'verwerf', 'umgeh', 'ubersprin', 'oubli',
  'neglig', 'desobei', 'contourn', 'esquec', 'desconsider', 'dimentic', 'trascur', 'scart', 'disobbed', 'aggir', 'tralasc', 'игнорир',
  'проигнорир', 'забуд', 'забыв', 'забыть', 'отбрось', 'отброс', 'пренебре', 'наруш', 'обоид', 'обходи', 'сбрось',
];
/** Verbs of following rules; an override when negated ("stop enforcing", "no sigas", "ne respecte plus", "не следуй"). */
const COMPLY_STEMS = [
  'follow', 'obey', 'enforc', 'apply', 'respect', 'adher', 'honor', 'honour', 'comply', 'abid', 'observ', 'stick', 'sig', 'segu', 'respet', 'obedec',
  'cumpl', 'aplic', 'acat', 'suiv', 'suis', 'obei', 'appliqu', 'respeit', 'cumpr', 'rispett', 'obbed', 'applic', 'osserv', 'befolg', 'einhalt',
  'beacht', 'gehorch', 'folg', 'respektier', 'следу', 'соблюда', 'подчиня', 'выполня', 'придержива',
];
const NEGATIONS = new Set(['not', 'dont', 'doesnt', 'stop', 'quit', 'cease', 'never', 'longer', 'no', 'deja', 'dejes', 'ne', 'plus', 'nao', 'pare', 'deixe', 'non', 'smetti', 'smettila', 'piu', 'nicht', 'nie', 'mehr', 'не', 'перестань', 'перестаньте', 'хватит', 'больше']);
const LEAK_STEMS = [
  'reveal', 'repeat', 'print', 'output', 'leak', 'dump', 'disclos', 'recit', 'reproduc', 'divulg', 'expos', 'echo', 'quot', 'spill', 'paste', 'copy',
  'show', 'tell', 'share', 'give', 'muestr', 'revel', 'dime', 'imprim', 'repit', 'ensen', 'compart', 'zeig', 'verrat', 'wiederhol', 'druck', 'montr',
  'affich', 'repet', 'mostr', 'rivel', 'dimmi', 'stamp', 'ripet', 'покаж', 'выведи', 'раскрои', 'повтори', 'скажи', 'расскажи',
];
const TARGET_STEMS = [
  'instruction', 'rule', 'guideline', 'guidance', 'prompt', 'restriction', 'filter', 'moderation', 'polic', 'training', 'direction', 'directive',
  'constraint', 'guardrail', 'safeguard', 'programming', 'preprompt', 'configuration', 'context', 'safety', 'censorship', 'limitation',
  'instruccion', 'regl', 'directric', 'paut', 'restriccion', 'filtr', 'politic', 'indicacion', 'anweisung', 'regel', 'richtlin', 'vorgab',
  'einschrank', 'beschrank', 'instruktion', 'systemprompt', 'zensur', 'consign', 'regle', 'instruc', 'regra', 'diretriz', 'orientac', 'restric',
  'istruzion', 'regol', 'direttiv', 'indicazion', 'restrizion', 'linee', 'инструкц', 'правил', 'указани', 'ограничени', 'фильтр', 'промпт',
  'директив', 'настрои', 'запрет', 'цензур',
];
/** Targets a leak must name (the prompt and its instructions, not "the answer" or "the winner"). */
const LEAK_TARGETS = ['prompt', 'instruction', 'preprompt', 'configuration', 'directive', 'guideline', 'rule', 'instruccion', 'anweisung', 'consign', 'instruc', 'istruzion', 'инструкц', 'промпт', 'systemprompt', 'konfigur'];
/** Signs the target is the assistant's own. */
const OWN_MARKERS = new Set([
  'you', 'your', 'ur', 'yr', 'yourself', 'youre', 'assistant', 'ai', 'model', 'chatbot', 'bot', 'llm', 'gpt', 'chatgpt', 'claude', 'system', 'developer',
  'developers', 'previous', 'prior', 'above', 'earlier', 'preceding', 'original', 'initial', 'hidden', 'secret', 'internal', 'preset', 'default',
  'openai', 'anthropic', 'conversation', 'chat', 'programmed', 'trained', 'given', 'received', 'creators',
  'tus', 'tu', 'sus', 'anteriores', 'previas', 'sistema', 'originales', 'iniciales', 'deine', 'dein', 'deinen', 'deiner', 'ihre', 'vorherigen',
  'bisherigen', 'ursprunglichen', 'tes', 'ton', 'ta', 'vos', 'votre', 'precedentes', 'anterieures', 'systeme', 'initiales', 'suas', 'sua', 'seu',
  'seus', 'tuas', 'tua', 'teu', 'teus', 'iniciais', 'tue', 'tuoi', 'tuo', 'precedenti', 'iniziali', 'originali', 'свои', 'твои', 'ваши', 'своих',
  'твоих', 'предыдущие', 'системные', 'прежние', 'исходные',
]);
/** Markers after the target that tie it to the assistant ("the rules set by your creators"). */
const AFTER_MARKERS = new Set(['above', 'before', 'earlier', 'previously', 'your', 'ur', 'yr', 'system', 'developer', 'developers', 'creators', 'openai', 'anthropic', 'programmed', 'trained', 'anteriores', 'previas', 'precedentes', 'anterieures', 'precedenti', 'vorherigen', 'sistema', 'systeme', 'системные']);
/** "above", "before": whose text for an override ("ignore the guidance above"), pasted text for a leak ("show the list above"). */
const EARLIER = new Set(['above', 'before', 'earlier', 'previously']);
/** Words that start a condition. */
const CONDITIONS = new Set(['if', 'unless', 'when', 'once', 'whenever', 'si', 'wenn', 'falls', 'se', 'если']);
/** Pronouns an override may act on when the target came just before ("the rules you follow ...; ignore them"). */
const PRONOUNS = new Set(['them', 'it', 'those', 'these', 'that', 'this']);
/** `you` after a target ties it to the assistant only in a clause like "you were given", "you follow". */
const YOU_CLAUSE = new Set(['were', 'have', 'got', 'received', 'follow', 'obey', 'are', 'operate', 'was', 'had', 've', 're', 'been', 'normally', 'usually', 'always', 'must', 'came']);
/** Words that make a leak's target the hidden prompt (besides OWN_MARKERS). */
const LEAK_MARKERS = new Set([
  'your', 'ur', 'yr', 'system', 'hidden', 'secret', 'initial', 'original', 'internal', 'full', 'entire', 'exact', 'confidential', 'start', 'beginning',
  'given', 'received', 'initialization', 'developer', 'tu', 'tus', 'sistema', 'dein', 'deinen', 'deine', 'ton', 'ta', 'tes', 'systeme', 'seu', 'sua',
  'suas', 'tuo', 'tua', 'tue', 'свои', 'твои', 'свой', 'твой', 'системныи', 'системные', 'скрытые', 'исходные',
]);
/** Words after which a target belongs to someone else ("the rules of chess", "the filter on the washer"). */
const SCOPE_WORDS = new Set(['of', 'on', 'for', 'in', 'about', 'regarding', 'at', 'from', 'to', 'with', 'when', 'during', 'inside']);
/** Words after a target that make it part of another noun ("your prompt engineering tips", "the safety lock"). */
const COMPOUND_NEXT = new Set([
  'engineering', 'template', 'templates', 'examples', 'example', 'ideas', 'tips', 'library', 'guide', 'design', 'writing', 'format', 'formats', 'style',
  'structure', 'length', 'injection', 'injections', 'attack', 'attacks', 'field', 'parameter', 'feature', 'box', 'window', 'list', 'lock', 'valve',
  'switch', 'belt', 'glasses', 'net', 'inspection', 'data', 'file', 'files', 'manual', 'sheet', 'card', 'cards', 'book', 'booklet',
]);
/** Owners that make the target someone else's ("why LLMs reveal their system prompt", "the bot ignores its rules"). */
const THIRD_PERSON = new Set(['their', 'its', 'his', 'her', 'leur', 'leurs', 'их', 'его', 'ее']);
/** Words after `this` that make it this conversation ("for this one question", "in this chat"). */
const THIS_CONVERSATION = new Set(['chat', 'conversation', 'question', 'request', 'answer', 'response', 'session', 'prompt', 'reply', 'message', 'thread']);
/** Self-directed actions that need no target ("stop filtering your answers"). */
const SELF_ACTIONS = /^(?:stop|quit|cease) (?:filtering|censoring|moderating|refusing|declining|sanitizing|sanitising|holding back|being careful|being safe|being ethical|following (?:your|the|any|all) (?:rules|guidelines|instructions|policies))(?: |$)/;

const WINDOW = 8;
let ANY_VERB: RegExp | undefined;

const stemCache = new Map<readonly string[], RegExp>();
/** True when `word` starts with one of `stems` (one anchored alternation per list, compiled once). */
function stemIn(word: string, stems: readonly string[]): boolean {
  let re = stemCache.get(stems);
  if (!re) {
    re = new RegExp(`^(?:${stems.join('|')})`);
    stemCache.set(stems, re);
  }
  return re.test(word);
}

/** Injection by co-occurrence in a words view (lower case, single spaces); spans in words-view coordinates. */
export function findSignals(words: string, out: Span[]): void {
  // nothing to do without a verb of any kind (texts of numbers, codes, or other topics)
  ANY_VERB ??= new RegExp(`(?:^| )(?:${[...OVERRIDE_STEMS, ...LEAK_STEMS, ...COMPLY_STEMS, 'stop', 'quit', 'cease'].join('|')})`);
  if (!ANY_VERB.test(words)) return;
  // the words and where they start
  const starts: number[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < words.length; ) {
    const j = words.indexOf(' ', i);
    const end = j < 0 ? words.length : j;
    if (end > i && words[i] !== '.') {
      starts.push(i);
      tokens.push(words.slice(i, end));
    } else if (end > i) {
      starts.push(i);
      tokens.push('.');
    }
    i = end + 1;
  }
  const n = tokens.length;
  let coveredTo = -1;
  for (let k = 0; k < n; k++) {
    const w = tokens[k];
    if (w.length < 3) continue;
    const negated = (NEGATIONS.has(tokens[k - 1] ?? '') || NEGATIONS.has(tokens[k - 2] ?? '') || NEGATIONS.has(tokens[k - 3] ?? '') || NEGATIONS.has(tokens[k + 1] ?? '')) && stemIn(w, COMPLY_STEMS);
    const override = negated || stemIn(w, OVERRIDE_STEMS);
    const leak = !override && stemIn(w, LEAK_STEMS);
    const self = (w === 'stop' || w === 'quit' || w === 'cease') && SELF_ACTIONS.test(tokens.slice(k, k + 5).join(' '));
    if (!override && !leak && !self) continue;
    if (starts[k] < coveredTo) continue;
    // the target: within the next words, before a sentence ends
    let target = -1;
    for (let m = k + 1; m < n && m <= k + WINDOW; m++) {
      const t = tokens[m];
      if (t === '.') break;
      if (stemIn(t, leak ? LEAK_TARGETS : TARGET_STEMS)) {
        target = m;
        break;
      }
    }
    let own = false;
    let end = k;
    let begin = k;
    // "ignore them", "quote it": the target is in the words just before, with its own marker
    if (target < 0 && PRONOUNS.has(tokens[k + 1] ?? '')) {
      for (let m = k - 1; m >= 0 && m >= k - 14; m--) {
        if (stemIn(tokens[m], leak ? LEAK_TARGETS : TARGET_STEMS)) {
          const near = tokens.slice(Math.max(0, m - 3), m + 4);
          if (near.some((t) => (leak ? LEAK_MARKERS : AFTER_MARKERS).has(t) || (t === 'you' && near.includes('follow')))) {
            own = true;
            begin = m;
            end = k + 1;
          }
          break;
        }
      }
      if (!own) continue;
      const startAt = starts[Math.max(0, begin - 1)];
      out.push({ type: 'PROMPT_INJECTION', start: startAt, end: starts[end] + tokens[end].length });
      coveredTo = starts[end] + tokens[end].length;
      continue;
    }
    if (self) {
      // "stop filtering your answers": the self-directed verb and a sign it is the assistant's
      for (let m = k + 1; m < n && m <= k + WINDOW; m++) {
        if (tokens[m] === '.') break;
        if (tokens[m] === 'your' || tokens[m] === 'ur' || tokens[m] === 'you') {
          own = true;
          end = m;
        }
      }
      if (!own) continue;
    } else {
      if (target < 0) continue;
      if (tokens.slice(k + 1, target).some((t) => THIRD_PERSON.has(t))) continue;
      const next = tokens[target + 1] ?? '';
      if (COMPOUND_NEXT.has(next)) continue;
      // a condition after the target is an instruction for people ("... if you are on macOS"), unless it names an AI
      const cond = tokens.slice(target + 1, target + 4).findIndex((t) => CONDITIONS.has(t));
      if (cond >= 0 && !tokens.slice(target + 2 + cond, target + 8 + cond).some((t) => ['ai', 'llm', 'assistant', 'chatbot', 'model', 'bot', 'gpt', 'chatgpt'].includes(t))) continue;
      // scoped to something else right after the target ("the rules of chess"), unless to this conversation
      if (SCOPE_WORDS.has(next)) {
        const after = tokens[target + 2] ?? '';
        const ours = OWN_MARKERS.has(after) || (after === 'this' && THIS_CONVERSATION.has(tokens[target + 3] ?? '')) || (after === 'the' && ['ai', 'assistant', 'model', 'system', 'conversation', 'chat'].includes(tokens[target + 3] ?? ''));
        if (!ours) continue;
      }
      // Whose the target is: a marker between the verb and the target ("ignore your rules", "the previous
      // context"), or right after it in a clause about the assistant ("the rules you were given", "that came
      // with this chat"). Never before the verb: "you can ignore these instructions if ..." tells a reader.
      const markers = leak ? LEAK_MARKERS : OWN_MARKERS;
      for (let m = k + 1; m < n && m <= target + 5; m++) {
        if (m === target) continue;
        const t = tokens[m];
        if (t === '.') break;
        const thisConversation = t === 'this' && (THIS_CONVERSATION.has(tokens[m + 1] ?? '') || THIS_CONVERSATION.has(tokens[m + 2] ?? ''));
        const between = m < target && t !== 'you' && (markers.has(t) || thisConversation);
        const forYou = t === 'you' && ['for', 'to', 'on', 'upon'].includes(tokens[m - 1] ?? '') && ['set', 'given', 'imposed', 'placed', 'laid', 'written', 'made', 'defined'].includes(tokens[m - 2] ?? '');
        const after = m > target && (thisConversation || (AFTER_MARKERS.has(t) && !(leak && EARLIER.has(t))) || forYou || (t === 'you' && YOU_CLAUSE.has(tokens[m + 1] ?? '')));
        if (between || after) {
          own = true;
          break;
        }
      }
      if (!own) continue;
      end = target;
    }
    const stop = starts[end] + tokens[end].length;
    out.push({ type: 'PROMPT_INJECTION', start: starts[k], end: stop });
    coveredTo = stop;
  }
}

/** "No more rules", "free from all restrictions", "the restrictions no longer exist" (any of the languages). */
const UNRESTRICTED =
  /(?<![^ ])(?:(?:no(?: more)?|zero|without(?: any)?|free (?:from|of)(?: all| any| your)?|sin(?: ningun[ao]?| tus| las| ninguna)?|ohne(?: jegliche| alle)?|keine(?: weiteren)?|sans(?: aucune?| tes)?|plus de|sem(?: nenhuma| quaisquer)?|senza(?: alcuna| nessuna)?|без(?: всяких| каких либо| никаких)?|нет(?: никаких)?|свободен от(?: всех)?|свободна от(?: всех)?)(?: (?:content|safety|ethical|moral))? (?:rules|restrictions|filters|guidelines|censorship|guardrails|limitations|reglas|restricciones|filtros|censura|einschrankungen|regeln|filter|zensur|restrictions|regles|filtres|censure|restricoes|regras|restrizioni|regole|filtri|ограничении|правил|фильтров|цензуры)|(?:rules|restrictions|filters|guidelines|policy|policies|limitations|guardrails) (?:no longer|dont|do not|doesnt|does not|wont) (?:exist|apply))(?![^ ])/g;
/** Words that limit an unrestriction in time or extent ("no rules until level 5"). */
const UNTIL_WORDS = new Set(['until', 'till', 'except', 'besides', 'beyond', 'unless', 'after', 'before', 'between', 'within', 'apart', 'other', 'outside']);
/** Someone the unrestriction is addressed to (the assistant), near it. */
const ADDRESS = new Set(['you', 'your', 'yourself', 'youre', 'answer', 'respond', 'reply', 'assistant', 'ai', 'model', 'chatbot', 'tienes', 'eres', 'responde', 'contesta', 'du', 'dir', 'dich', 'antworte', 'antwortest', 'toi', 'reponds', 'voce', 'responda', 'sei', 'rispondi', 'hai', 'ты', 'тебя', 'тебе', 'отвечаи', 'свободен', 'свободна']);

/** Unrestriction addressed to the assistant, not scoped to something else; spans in words-view coordinates. */
export function findUnrestricted(words: string, out: Span[]): void {
  UNRESTRICTED.lastIndex = 0;
  for (let m = UNRESTRICTED.exec(words); m; m = UNRESTRICTED.exec(words)) {
    const end = m.index + m[0].length;
    const after = words.slice(end + 1, end + 40).split(' ');
    if ((SCOPE_WORDS.has(after[0] ?? '') || UNTIL_WORDS.has(after[0] ?? '')) && !OWN_MARKERS.has(after[1] ?? '')) continue; // "no rules for naming variables"
    const around = `${words.slice(Math.max(0, m.index - 90), m.index)} ${words.slice(end, end + 90)}`.split(' ');
    if (around.some((t) => ADDRESS.has(t))) out.push({ type: 'PROMPT_INJECTION', start: m.index, end });
  }
}

/** Canonical attacks, matched in the words view without spaces (`ig no re al l pre vi ous ...`). */
const SQUEEZED = [
  /(?:ignore|disregard|forget)(?:all|any|every|the|your){0,2}(?:of)?(?:the)?(?:previous|prior|above|earlier|preceding|original|system)(?:instructions?|rules|prompts?|guidelines|directions|directives)/g,
  /(?:ignore|disregard|forget|bypass)(?:all|any)?(?:of)?your(?:instructions|rules|guidelines|restrictions|filters|programming|systemprompt)/g,
  /(?:reveal|print|show|repeat|output)(?:me)?(?:your|the)(?:full|entire|hidden|initial|original)?systemprompt/g,
  /youarenow(?:dan|jailbroken|unrestricted|unfiltered|uncensored)/g,
  /(?:developer|dan|jailbreak)modeenabled/g,
];

/** Canonical attacks in a squeezed words view (the words view without its spaces); spans in squeezed coordinates. */
export function findSqueezed(squeezed: string, out: Span[]): void {
  if (squeezed.length < 12) return;
  for (const re of SQUEEZED) {
    re.lastIndex = 0;
    for (let m = re.exec(squeezed); m; m = re.exec(squeezed)) out.push({ type: 'PROMPT_INJECTION', start: m.index, end: m.index + m[0].length });
  }
}

/** The regular expressions of this module (the tests check each is linear on adversarial input). */
export const SIGNAL_PATTERNS: readonly RegExp[] = [SELF_ACTIONS, UNRESTRICTED, ...SQUEEZED];
