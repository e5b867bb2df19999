/**
 * Profile photos of the dev org's users, drawn on request: a coloured square with the user's
 * initials, as SVG, so the chat shows faces with no internet and no image files. `SmallPhotoUrl` of
 * every user points here (`<dev org>/dev/photos/<user id>.svg`).
 */
import { createHash } from 'node:crypto';

/** Path of a user's photo on the dev org (append to its URL). */
export function photoPath(userId: string): string {
  return `/dev/photos/${userId}.svg`;
}

/** Background colours, dark enough for white initials. */
const PALETTE = ['#0b5cab', '#2e844a', '#ba0517', '#8a4d00', '#5a1ba9', '#066afe', '#b60554', '#0d6d6e'];

/**
 * A 64×64 SVG avatar (the size of a Salesforce small photo) with up to two initials of `name`; the
 * colour is derived from `seed` (the user id), so it stays the same across requests.
 */
export function avatarSvg(name: string, seed: string): string {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => [...word][0]!.toUpperCase())
    .slice(0, 2)
    .join('');
  const colour = PALETTE[createHash('sha256').update(seed).digest()[0]! % PALETTE.length];
  const text = initials.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img">` +
    `<rect width="64" height="64" fill="${colour}"/>` +
    `<text x="32" y="32" dy="0.35em" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" ` +
    `font-size="26" font-weight="600" fill="#ffffff">${text}</text></svg>`
  );
}
