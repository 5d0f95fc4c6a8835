import type { Persona } from './personas.js';

/** Escapes text for HTML element content and attribute values. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${html(title)}</title>
<style>
body{font:16px/1.4 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem} .note{color:#555;font-size:.9rem}
button{display:block;width:100%;text-align:left;margin:.5rem 0;padding:.75rem 1rem;border:1px solid #aaa;border-radius:.4rem;background:#fafafa;font:inherit;cursor:pointer}
button:hover{background:#eef} .groups{color:#555;font-size:.85rem}
</style></head><body>${body}</body></html>`;
}

/** The login page: one button per persona, no password. */
export function loginPage(action: string, personas: Persona[], clientId: string): string {
  const buttons = personas
    .map(
      (p) =>
        `<button type="submit" name="persona" value="${html(p.id)}" data-persona="${html(p.id)}">` +
        `<strong>${html(p.name)}</strong> <span class="groups">${html(p.id)} · ${html(p.groups.join(', '))}</span></button>`,
    )
    .join('\n');
  return page(
    'Sign in — Rehearsal sandbox',
    `<h1>Sign in to ${html(clientId)}</h1>
<p class="note">Rehearsal's mock identity provider. Pick a synthetic persona; there is no password.</p>
<form method="post" action="${html(action)}">${buttons}</form>`,
  );
}

export function logoutPage(form: string): string {
  return page(
    'Sign out — Rehearsal sandbox',
    `<h1>Sign out?</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
  );
}

export function loggedOutPage(): string {
  return page('Signed out', '<h1>Signed out</h1><p>You are signed out of the sandbox.</p>');
}

export function errorPage(out: { error?: string; error_description?: string }): string {
  return page(
    'Sign-in error',
    `<h1>${html(String(out.error ?? 'error'))}</h1><p>${html(String(out.error_description ?? ''))}</p>`,
  );
}
