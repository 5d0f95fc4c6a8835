/** Task names: DNS-safe service names derived from labels. */

/** What an overlay `name` must be: a DNS label short enough for `<name>.rehearsal.localhost`. */
export const DNS_LABEL = /^[a-z][a-z0-9-]{0,39}$/;

const MAX_LENGTH = 40;

/**
 * Slug of a label: lowercase ASCII letters, digits and single dashes, at most 40 characters cut
 * at a dash so no word is left half. Accents are folded ("Café" → "cafe"). May be empty.
 */
export function slugify(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return truncate(slug, MAX_LENGTH);
}

function truncate(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  // Cutting right before a dash keeps whole words; otherwise back up to the last dash.
  if (slug[max] === '-') return cut;
  const dash = cut.lastIndexOf('-');
  return dash > 0 ? cut.slice(0, dash) : cut;
}

/**
 * Unique names for tasks in order: the slug of each label (`task-N` when empty, N 1-based),
 * with `-2`, `-3`, ... appended to repeats, keeping within 40 characters.
 */
export function taskNames(labels: string[]): string[] {
  const used = new Set<string>();
  return labels.map((label, i) => {
    const base = slugify(label) || `task-${i + 1}`;
    let name = base;
    for (let n = 2; used.has(name); n++) {
      const suffix = `-${n}`;
      name = `${truncate(base, MAX_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
    }
    used.add(name);
    return name;
  });
}
