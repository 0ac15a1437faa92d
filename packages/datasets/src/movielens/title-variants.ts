/** Lower-cased alphanumeric words of a text, single-spaced. */
export function normalizeTitleText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The ways people write a MovieLens-style catalogue title, normalised (`normalizeTitleText`):
 * "Shawshank Redemption, The (1994)" → "shawshank redemption the", "the shawshank redemption",
 * "shawshank redemption"; alternative titles in parentheses dropped ("City of Lost Children, The
 * (Cité des enfants perdus, La)"). Variants shorter than three characters are left out.
 */
export function titleVariants(title: string): string[] {
  const plain = title.replace(/\s*\(\d{4}\)\s*$/, '').trim();
  const variants = [plain];
  const moved = /^(.*), (The|A|An|Les|La|Le|Il|Das|Der|Die|El)$/i.exec(plain);
  if (moved) variants.push(`${moved[2]} ${moved[1]}`, moved[1] ?? '');
  const withoutAka = plain.replace(/\s*\([^)]*\)\s*/g, ' ').trim();
  if (withoutAka !== plain) variants.push(withoutAka);
  return [...new Set(variants.map(normalizeTitleText).filter((variant) => variant.length >= 3))];
}
