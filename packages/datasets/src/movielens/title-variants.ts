/** Lower-cased alphanumeric words of a text, single-spaced. */
export function normalizeTitleText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Articles MovieLens writes after a title ("Silence of the Lambs, The", "Postino, Il", "Enfer, L'"). */
const articles = "The|A|An|Il|La|Le|Les|L'|Das|Der|Die|El";

/** A title with its article written last ("Fille seule, La"). */
const articleLast = new RegExp(`^(.*), (${articles})$`);
/** An English article opening a title written as said ("The Silence of the Lambs"; not "Die Hard", "La Bamba"). */
const articleFirst = /^(?:The|A|An)\s+/;

/** A year and other titles in parentheses ending a title: " (1996)", " (ID4) (1996)", " (1995) (V)". */
const parenthesesAtEnd = /(?:\s*\([^)]*\))+\s*$/;

/**
 * A catalogue title as people say it: without its year or an other title in parentheses ("Independence Day (ID4)
 * (1996)" → "Independence Day"; a user had said the whole), the article moved back to the front ("Silence of the Lambs,
 * The (1991)" → "The Silence of the Lambs", "Postino, Il" → "Il Postino", "Enfer, L'" → "L'Enfer"). A title of
 * parentheses alone is said whole.
 */
export function spokenTitle(title: string): string {
  const plain = title.replace(parenthesesAtEnd, '').trim() || title.trim();
  const moved = articleLast.exec(plain);
  if (!moved) return plain;
  const [, rest = '', article = ''] = moved;
  return `${article}${article.endsWith("'") ? '' : ' '}${rest}`;
}

/**
 * A catalogue title without its year, other titles or article ("War, The (1994)" → "War", "Postino, Il" → "Postino"):
 * what tells whether the title is one word, which may be an everyday word ("War movies are my thing").
 */
export function titleWithoutArticle(title: string): string {
  const plain = title.replace(parenthesesAtEnd, '').trim() || title.trim();
  return articleLast.exec(plain)?.[1] ?? plain.replace(articleFirst, '');
}

/** The other titles in parentheses ending a title, without its year or video mark: "(Coup de Torchon)" of "Clean Slate (Coup de Torchon) (1981)". */
function otherTitles(title: string): string {
  const ending = parenthesesAtEnd.exec(title)?.[0] ?? '';
  return (ending.match(/\([^)]*\)/g) ?? []).filter((part) => !/^\((?:\d{4}|V)\)$/.test(part)).join(' ');
}

/** The year in parentheses ending a title: "(1954)" of "Sabrina (1954)"; empty without one. */
function yearOf(title: string): string {
  const ending = parenthesesAtEnd.exec(title)?.[0] ?? '';
  return ending.match(/\(\d{4}\)/)?.[0] ?? '';
}

/** What tells a title from another said alike: its other title, else its year; empty without either. */
const apartPart = (title: string): string => otherTitles(title) || yearOf(title);

/**
 * Each catalogue film's spoken title (`spokenTitle`), told apart where another film would be said alike without it:
 * by its other title ("Clean Slate (Coup de Torchon)" beside "Clean Slate (1994)": said "Clean Slate", a reader had
 * taken it for the 1994 film), else by its year, which a reader takes after a title ("Sabrina (1954)" beside "Sabrina
 * (1995)": said "Sabrina", the 1954 film had been read as the 1995 one). A part that every film said alike shares tells
 * nothing apart and is not said (MovieLens lists "Chasing Amy (1997)" twice: it had been said with its year).
 */
export function distinctSpokenTitles(items: Iterable<{ id: string; title: string }>): Map<string, string> {
  const said = new Map<string, string>();
  const partsAlike = new Map<string, string[]>();
  const all = [...items];
  for (const item of all) {
    const spoken = spokenTitle(item.title);
    said.set(item.id, spoken);
    partsAlike.set(spoken.toLowerCase(), [...(partsAlike.get(spoken.toLowerCase()) ?? []), apartPart(item.title)]);
  }
  for (const item of all) {
    const spoken = said.get(item.id) ?? '';
    const apart = apartPart(item.title);
    const others = partsAlike.get(spoken.toLowerCase()) ?? [];
    if (apart !== '' && others.some((part) => part !== apart)) said.set(item.id, `${spoken} ${apart}`);
  }
  return said;
}

/**
 * The ways people write a MovieLens-style catalogue title, normalised (`normalizeTitleText`):
 * "Shawshank Redemption, The (1994)" → "shawshank redemption the", "the shawshank redemption",
 * "shawshank redemption"; alternative titles in parentheses dropped ("City of Lost Children, The
 * (Cité des enfants perdus, La)"). Variants shorter than three characters are left out.
 */
export function titleVariants(title: string): string[] {
  const plain = title.replace(/\s*\(\d{4}\)\s*$/, '').trim();
  const variants = [plain, ...articleMoved(plain)];
  const withoutAka = plain.replace(/\s*\([^)]*\)\s*/g, ' ').trim();
  // "Seventh Seal, The (Sjunde inseglet, Det)" is written "The Seventh Seal" too.
  if (withoutAka !== plain) variants.push(withoutAka, ...articleMoved(withoutAka));
  return [...new Set(variants.map(normalizeTitleText).filter((variant) => variant.length >= 3))];
}

/** A title with its last article ("Shawshank Redemption, The") in front, and without it; none when it ends in no article. */
function articleMoved(title: string): string[] {
  const moved = new RegExp(`^(.*), (${articles})$`, 'i').exec(title);
  return moved ? [`${moved[2]} ${moved[1]}`, moved[1] ?? ''] : [];
}

/** A title found in a text: the item and where its words start in the normalised text. */
export interface TitleMention {
  itemId: string;
  position: number;
}

/**
 * Finds which catalogue items a free text names, longest titles first, each match blanked out so
 * that "Toy Story" is not also found inside "Toy Story 2". `find` takes an `accept` test for a
 * candidate match (a rejected one is neither returned nor blanked).
 */
export class TitleMatcher {
  private readonly entries: Array<{ itemId: string; variant: string }>;

  constructor(items: Iterable<{ id: string; title: string }>) {
    this.entries = [];
    for (const item of items) for (const variant of titleVariants(item.title)) this.entries.push({ itemId: item.id, variant });
    this.entries.sort((left, right) => right.variant.length - left.variant.length);
  }

  /** Titles named in the text, in order of first mention. */
  find(text: string, accept?: (itemId: string, variant: string) => boolean): TitleMention[] {
    let haystack = ` ${normalizeTitleText(text)} `;
    const found: TitleMention[] = [];
    const seen = new Set<string>();
    for (const { itemId, variant } of this.entries) {
      if (seen.has(itemId)) continue;
      const position = haystack.indexOf(` ${variant} `);
      if (position < 0 || (accept && !accept(itemId, variant))) continue;
      seen.add(itemId);
      found.push({ itemId, position });
      haystack = haystack.slice(0, position + 1) + ' '.repeat(variant.length) + haystack.slice(position + 1 + variant.length);
    }
    return found.sort((left, right) => left.position - right.position);
  }

  /** Item ids named in the text, in order of first mention. */
  match(text: string): string[] {
    return this.find(text).map((mention) => mention.itemId);
  }
}
